using QueryRec.Benchmarks;

namespace QueryRec.UnitTests.Benchmarks;

/// <summary>
/// The Lucene.NET peer of the benchmarks is a real competitor: on a tiny dictionary it returns the completions every
/// input word prefixes, in popularity order, bounded by the limit.
/// </summary>
public sealed class LucenePeerTests
{
    private static readonly (string Text, double Popularity)[] Dictionary =
    [
        ("ipad case", 40),
        ("iphone 4s", 90),
        ("iphone case", 25),
        ("samsung galaxy", 60),
        ("case logic", 10),
        ("xbox 360", 70),
    ];

    [Fact]
    public void A_prefix_returns_its_completions_most_popular_first()
    {
        using var peer = new LucenePeer(Dictionary);

        Assert.Equal(6, peer.Count);
        Assert.Equal(["iphone 4s", "ipad case", "iphone case"], peer.Suggest("ip", 10));
        Assert.Equal(["iphone 4s", "iphone case"], peer.Suggest("iph", 10));
    }

    [Fact]
    public void The_order_follows_popularity_not_text_or_insertion()
    {
        using var peer = new LucenePeer([("iphone 4s", 5), ("ipad case", 50), ("ipod nano", 20)]);

        Assert.Equal(["ipad case", "ipod nano", "iphone 4s"], peer.Suggest("ip", 10));
    }

    [Fact]
    public void Equal_popularity_breaks_ties_by_text()
    {
        using var peer = new LucenePeer([("ipod nano", 7), ("ipad case", 7), ("iphone 4s", 7)]);

        Assert.Equal(["ipad case", "iphone 4s", "ipod nano"], peer.Suggest("ip", 10));
    }

    [Fact]
    public void Every_input_word_must_prefix_a_word()
    {
        using var peer = new LucenePeer(Dictionary);

        Assert.Equal(["iphone case"], peer.Suggest("iph ca", 10));
        Assert.Equal(["iphone case"], peer.Suggest("ca iph", 10));
        Assert.Equal(["ipad case", "iphone case", "case logic"], peer.Suggest("ca", 10));
        Assert.Empty(peer.Suggest("iph ga", 10));
    }

    [Fact]
    public void A_word_inside_a_word_does_not_match()
    {
        using var peer = new LucenePeer(Dictionary);

        Assert.Empty(peer.Suggest("phone", 10));
        Assert.Empty(peer.Suggest("box", 10));
    }

    [Fact]
    public void Input_is_lower_cased_and_blank_input_gets_nothing()
    {
        using var peer = new LucenePeer(Dictionary);

        Assert.Equal(["xbox 360"], peer.Suggest("XBox 3", 10));
        Assert.Empty(peer.Suggest("   ", 10));
        Assert.Empty(peer.Suggest(string.Empty, 10));
    }

    [Fact]
    public void The_limit_keeps_the_most_popular()
    {
        var many = Enumerable.Range(0, 50).Select(i => ($"query {i:D2}", (double)((i * 37) % 50))).ToArray();
        using var peer = new LucenePeer(many);

        var expected = many.OrderByDescending(static q => q.Item2).Take(10).Select(static q => q.Item1).ToArray();
        Assert.Equal(expected, peer.Suggest("qu", 10));
        Assert.Equal(expected[..3], peer.Suggest("query", 3));
    }

    [Fact]
    public void A_word_longer_than_the_largest_gram_still_matches_its_prefix()
    {
        var longWord = new string('a', LucenePeer.MaxGram + 5) + "z";
        using var peer = new LucenePeer([(longWord, 1), (new string('a', LucenePeer.MaxGram - 1) + "b", 2)]);

        Assert.Equal([longWord], peer.Suggest(new string('a', LucenePeer.MaxGram + 2), 10));
    }

    [Fact]
    public void Hanzi_queries_match_by_leading_characters()
    {
        using var peer = new LucenePeer([("连衣裙", 30), ("连衣裙长款", 50), ("衣架", 80)]);

        Assert.Equal(["连衣裙长款", "连衣裙"], peer.Suggest("连衣", 10));
        Assert.Empty(peer.Suggest("衣裙", 10));
    }
}
