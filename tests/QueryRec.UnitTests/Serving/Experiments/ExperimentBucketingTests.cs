using CsCheck;
using Microsoft.Extensions.Configuration;
using QueryRec.Serving.Experiments;

namespace QueryRec.UnitTests.Serving.Experiments;

/// <summary>Bucketing: shares within ±1 percentage point over 100k ids, and layers independent of each other.</summary>
public sealed class ExperimentBucketingTests
{
    private const int Ids = 100_000;

    /// <summary>Salts and id families: random text, so no particular choice of either makes the test pass.</summary>
    private static readonly Gen<(string Salt, string IdPrefix)> Families = Gen.Select(Text(1, 24), Text(0, 12));

    private static Gen<string> Text(int min, int max)
        => Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."].Array[min, max].Select(static a => new string(a));

    internal static ExperimentLayer Layer(string name, string salt, params decimal[] shares)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Layers:0:Name"] = name,
            ["Layers:0:Salt"] = salt,
        };
        for (var i = 0; i < shares.Length; i++)
        {
            settings[$"Layers:0:Arms:{i}:Name"] = "arm" + i;
            settings[$"Layers:0:Arms:{i}:Share"] = shares[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var errors = new List<string>();
        var config = ExperimentConfigReader.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), errors);
        Assert.Empty(errors);
        return config.Layers.Single();
    }

    /// <summary>The arm index of each id (-1: the unassigned remainder).</summary>
    private static int[] Assign(ExperimentLayer layer, string idPrefix, int count = Ids)
    {
        var arms = new int[count];
        for (var i = 0; i < count; i++)
        {
            var arm = layer.ArmOf(ExperimentBucketing.Bucket("u:" + idPrefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture), layer.Salt));
            arms[i] = arm is null ? -1 : int.Parse(arm.Name.AsSpan(3), System.Globalization.CultureInfo.InvariantCulture);
        }

        return arms;
    }

    [Fact]
    public void Bucket_SameSubjectAndSalt_IsTheSameBucket()
    {
        Gen.Select(Gen.String, Gen.String[1, 64]).Sample((subject, salt) =>
            Assert.Equal(ExperimentBucketing.Bucket(subject, salt), ExperimentBucketing.Bucket(new string(subject.AsSpan()), new string(salt.AsSpan()))));
    }

    [Fact]
    public void Bucket_IsWithinTheBucketRange()
    {
        Gen.Select(Gen.String, Gen.String[1, 64]).Sample((subject, salt) =>
            Assert.InRange(ExperimentBucketing.Bucket(subject, salt), 0, ExperimentConfig.Buckets - 1));
    }

    [Fact]
    public void ArmShares_Over100kSequentialIds_AreWithinOnePointOfTheConfiguredShares()
    {
        decimal[] shares = [10m, 25.5m, 30m, 0.5m];
        Families.Sample((salt, idPrefix) =>
        {
            var arms = Assign(Layer("layer", salt, shares), idPrefix);
            for (var a = 0; a < shares.Length; a++)
            {
                var observed = 100.0 * arms.Count(x => x == a) / Ids;
                Assert.InRange(observed, (double)shares[a] - 1, (double)shares[a] + 1);
            }

            var remainder = 100.0 * arms.Count(static x => x == -1) / Ids;
            Assert.InRange(remainder, 100 - (double)shares.Sum() - 1, 100 - (double)shares.Sum() + 1);
        }, iter: 20);
    }

    [Fact]
    public void TwoLayers_JointShares_AreTheProductOfTheMarginalsWithinOnePoint()
    {
        Gen.Select(Families, Text(1, 24)).Where(static t => t.Item1.Salt != t.Item2).Sample((family, otherSalt) =>
        {
            var joint = Joint(Layer("a", family.Salt, 50m, 50m), Layer("b", otherSalt, 20m, 30m, 50m), family.IdPrefix);
            for (var i = 0; i < joint.GetLength(0); i++)
            {
                for (var j = 0; j < joint.GetLength(1); j++)
                {
                    var (cell, expected) = CellAndProduct(joint, i, j);
                    Assert.InRange(100.0 * cell, 100.0 * expected - 1, 100.0 * expected + 1);
                }
            }
        }, iter: 20);
    }

    [Fact]
    public void TwoLayers_DifferentSalts_PassChiSquareIndependence()
    {
        var joint = Joint(Layer("a", "ranker-2026", 50m, 50m), Layer("b", "limits-2026", 20m, 30m, 50m), "user-");

        // df = (2-1)(3-1) = 2; 13.82 is the 0.999 quantile.
        Assert.True(ChiSquare(joint) < 13.82, $"chi-square {ChiSquare(joint)}");
    }

    [Fact]
    public void TwoLayers_SameSalt_AreDetectedAsDependent()
    {
        // The check above can fail: two layers sharing a salt put the same callers in the same buckets.
        var joint = Joint(Layer("a", "shared", 50m, 50m), Layer("b", "shared", 20m, 30m, 50m), "user-");

        Assert.True(ChiSquare(joint) > 1000, $"chi-square {ChiSquare(joint)}");
    }

    /// <summary>Counts of (arm of a, arm of b) over the ids; every arm of both layers covers 100%.</summary>
    private static int[,] Joint(ExperimentLayer a, ExperimentLayer b, string idPrefix)
    {
        var armsA = Assign(a, idPrefix);
        var armsB = Assign(b, idPrefix);
        var joint = new int[a.Arms.Count, b.Arms.Count];
        for (var i = 0; i < Ids; i++)
        {
            joint[armsA[i], armsB[i]]++;
        }

        return joint;
    }

    private static (double Cell, double Product) CellAndProduct(int[,] joint, int i, int j)
    {
        double row = 0, column = 0;
        for (var x = 0; x < joint.GetLength(1); x++)
        {
            row += joint[i, x];
        }

        for (var y = 0; y < joint.GetLength(0); y++)
        {
            column += joint[y, j];
        }

        return ((double)joint[i, j] / Ids, row / Ids * (column / Ids));
    }

    private static double ChiSquare(int[,] joint)
    {
        var chi = 0.0;
        for (var i = 0; i < joint.GetLength(0); i++)
        {
            for (var j = 0; j < joint.GetLength(1); j++)
            {
                var expected = CellAndProduct(joint, i, j).Product * Ids;
                chi += Math.Pow(joint[i, j] - expected, 2) / expected;
            }
        }

        return chi;
    }
}
