using QueryRec.Serving.Recall;
using QueryRec.Serving.Rerank;

namespace QueryRec.UnitTests.Serving.Rerank;

/// <summary>
/// The category MMR order: the textbook greedy definition (re-evaluated every round over every unpicked candidate,
/// the earliest of equal values) written here independently, against the step on score-ordered input (its linear
/// path) and on any input (its general path).
/// </summary>
public sealed class MmrByCategoryTests
{
    [Fact]
    public void Order_SpreadsCategories_AndKeepsScoreOrderAtLambdaOne()
    {
        var input = Make(("a", 1.0, "x"), ("b", 0.9, "x"), ("c", 0.8, "x"), ("d", 0.5, "y"), ("e", 0.4, ""), ("f", 0.3, "y"));

        Assert.Equal(["a", "b", "c", "d", "e", "f"], Texts(MmrByCategory.Order(input, 1.0)));
        // λ = 0.5: a penalized word loses 0.5, so the best "y" (0.5 / 1) and the uncategorized one (0.4) beat "b" (0.9 − 0.5).
        Assert.Equal(["a", "d", "e", "b", "c", "f"], Texts(MmrByCategory.Order(input, 0.5)));
        Assert.Empty(MmrByCategory.Order([], 0.7));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(0.7)]
    [InlineData(0.95)]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    public void Order_EqualsTheGreedyDefinition_OnScoreOrderedAndOnUnorderedInput(double lambda)
    {
        var random = new Random(17);
        for (var round = 0; round < 400; round++)
        {
            var n = random.Next(0, 60);
            var items = new List<(string, double, string)>(n);
            for (var i = 0; i < n; i++)
            {
                // Few distinct scores and categories: ties and repeats are the cases that matter.
                var score = round % 5 == 0 ? -random.Next(0, 4) : random.Next(0, 8) / 4.0;
                var category = random.Next(0, 5) switch { 0 => "", var k => "c" + random.Next(0, k * 2) };
                items.Add(($"q{i}", score, category));
            }

            var unordered = Make([.. items]);
            var ordered = Make([.. items.OrderByDescending(static i => i.Item2)]);

            Assert.Equal(Greedy(ordered, lambda), Texts(MmrByCategory.Order(ordered, lambda)));
            Assert.Equal(Greedy(unordered, lambda), Texts(MmrByCategory.Order(unordered, lambda)));
        }
    }

    [Fact]
    public void Order_WithANaNScore_StillGivesEveryCandidateOnce()
    {
        var input = Make(("a", 1.0, "x"), ("b", double.NaN, "x"), ("c", 0.5, "y"));

        var order = Texts(MmrByCategory.Order(input, 0.7));

        Assert.Equal(["a", "b", "c"], order.Order(StringComparer.Ordinal));
    }

    private static List<string> Greedy(List<Candidate> input, double lambda)
    {
        var max = input.Count == 0 ? 1 : Math.Max(input.Max(static c => c.Score), double.Epsilon);
        var left = Enumerable.Range(0, input.Count).ToList();
        var seen = new HashSet<string>();
        var order = new List<string>();
        while (left.Count > 0)
        {
            var values = left.Select(i => (lambda * input[i].Score / max) - ((1 - lambda) * (input[i].CategoryHint != "" && seen.Contains(input[i].CategoryHint) ? 1.0 : 0.0))).ToList();
            var best = values.IndexOf(values.Max());
            var chosen = input[left[best]];
            order.Add(chosen.Text);
            if (chosen.CategoryHint != "")
            {
                seen.Add(chosen.CategoryHint);
            }

            left.RemoveAt(best);
        }

        return order;
    }

    private static List<Candidate> Make(params (string Text, double Score, string Category)[] items)
        => [.. items.Select(static i => new Candidate(i.Text) { Score = i.Score, CategoryHint = i.Category })];

    private static List<string> Texts(List<Candidate> list) => [.. list.Select(static c => c.Text)];
}
