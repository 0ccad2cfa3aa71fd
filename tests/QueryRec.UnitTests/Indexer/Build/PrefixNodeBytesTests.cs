using Google.Protobuf;
using QueryRec.Indexer.Build;
using QueryRec.Storage.V1;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>The completion tables' records put together from serialized completions: protobuf's own bytes.</summary>
public sealed class PrefixNodeBytesTests
{
    private static readonly string LongText = string.Concat(Enumerable.Repeat("手机壳 iphone ", 30)); // > 127 bytes: a two-byte length

    private static Completion Completion(string text, double score, params string[] categories)
    {
        var completion = new Completion
        {
            Text = text,
            Score = score,
            Count = 12345678901,
            DistinctUsers = 321,
            CategoryHint = categories.FirstOrDefault() ?? string.Empty,
            Pinned = text.Length % 2 == 0,
            CtrBp = 1234,
            CvrBp = 56,
            Gmv = 987654321,
        };
        completion.TopCategories.AddRange(categories);
        return completion;
    }

    private static readonly Completion[] Samples =
    [
        Completion("iphone 15", 0.5, "phones", "cases"),
        Completion("手机", 0),
        Completion(string.Empty, 3.25),
        Completion(LongText, -0.0, "x"),
        Completion("nan", double.NaN),
        Completion("tiny", 1e-300, "a", "b", "c"),
        new Completion(),
    ];

    [Fact]
    public void Write_GivesThePrefixNodesSerialization()
    {
        var entries = new SerializedEntries(Samples);
        int[][] nodes = [[], [0], [1, 0, 3], [6, 5, 4, 3, 2, 1, 0], [3, 3]];

        foreach (var node in nodes)
        {
            var expected = new PrefixNode();
            expected.Completions.AddRange(node.Select(i => Samples[i]));

            Assert.Equal(expected.ToByteArray(), PrefixNodeBytes.Write(node, entries));
        }
    }

    [Fact]
    public void CopyWithScore_GivesTheSerializationOfTheCompletionWithThatScore()
    {
        double[] scores = [0, -0.0, 2.25, -7.5, 1e-300, double.NaN, double.PositiveInfinity];
        foreach (var sample in Samples)
        {
            var bytes = sample.ToByteArray();
            foreach (var score in scores)
            {
                var expected = sample.Clone();
                expected.Score = score;
                var buffer = new byte[bytes.Length + 9];

                var written = PrefixNodeBytes.CopyWithScore(bytes, score, buffer);

                Assert.Equal(expected.ToByteArray(), buffer[..written]);
                Assert.Equal(written, PrefixNodeBytes.LengthWithScore(bytes, score));
            }
        }
    }

    /// <summary>Serialized completions by index, as the table writer reads them.</summary>
    private sealed class SerializedEntries(Completion[] completions) : ICompletionEntries
    {
        private readonly byte[][] _bytes = [.. completions.Select(c => c.ToByteArray())];

        public int QueryOf(int entry) => entry;

        public double ScoreOf(int entry) => completions[entry].Score;

        public int LengthOf(int entry) => _bytes[entry].Length;

        public int CopyTo(int entry, Span<byte> destination)
        {
            _bytes[entry].CopyTo(destination);
            return _bytes[entry].Length;
        }
    }
}
