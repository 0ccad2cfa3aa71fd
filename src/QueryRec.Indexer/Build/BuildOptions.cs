using System.Globalization;
using QueryRec.Core;

namespace QueryRec.Indexer.Build;

/// <summary>Options of <see cref="IndexBuilder"/>.</summary>
public sealed record BuildOptions
{
    /// <summary>Largest accepted <see cref="TopK"/>.</summary>
    public const int MaxTopK = 1000;

    /// <summary>Largest accepted <see cref="MaxPinyinVariants"/>.</summary>
    public const int MaxPinyinVariantsLimit = 256;

    /// <summary>Largest accepted <see cref="MaxVocabulary"/>.</summary>
    public const int MaxVocabularyLimit = 10_000_000;

    /// <summary>Queries per vocabulary chunk ("v:{n}").</summary>
    public const int VocabularyChunkSize = 5_000;

    /// <summary>Minimum number of searches of a query to keep it.</summary>
    public int MinCount { get; init; } = 2;

    /// <summary>
    /// A query a typo or two away from a query searched at least this many times as often is taken for its misspelling
    /// and left out of the index (see <see cref="Misspellings"/>); 0 turns the rule off. 5 by measurement
    /// (docs/matching.md, "Misspellings").
    /// </summary>
    public double MisspellingRatio { get; init; } = 5;

    /// <summary>
    /// The least agreement of their click categories (0 to 1) for two queries that differ only by the spacing between
    /// letters to be shown as one (see <see cref="SpacingFolds"/>); above 1 (e.g. 2) none fold. 0.5 by measurement
    /// (docs/matching.md, "Spacing variants").
    /// </summary>
    public double SpacingFoldAgreement { get; init; } = 0.5;

    /// <summary>
    /// Sessions in which a query must be followed by a close, more successful query for the pair to be kept as its
    /// correction (c:, see <see cref="CorrectionPairsWriter"/>); 0 mines none.
    /// </summary>
    public int CorrectionMinSessions { get; init; } = 1;

    /// <summary>Minimum number of distinct users who searched a query to keep it.</summary>
    public int MinUsers { get; init; } = 1;

    /// <summary>Completions kept per prefix node.</summary>
    public int TopK { get; init; } = 10;

    /// <summary>Longest indexed prefix, in runes.</summary>
    public int MaxPrefixLength { get; init; } = 32;

    /// <summary>Inactivity that ends a session.</summary>
    public TimeSpan SessionGap { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How much later than the newest event seen an event of an open session may still arrive (stream disorder).</summary>
    public TimeSpan MaxDisorder { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>A search that is a strict prefix of the same user's next search within this window, with no click, is a typed fragment.</summary>
    public TimeSpan FragmentWindow { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Half-life of the popularity decay (anchored at the log's last event).</summary>
    public TimeSpan HalfLife { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The recent window of trending, ending at the log's last event.</summary>
    public TimeSpan TrendWindow { get; init; } = TimeSpan.FromDays(1);

    /// <summary>The baseline of trending: the span just before the recent window.</summary>
    public TimeSpan TrendBaseline { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Additive smoothing (pseudo-searches) of the trending ratio.</summary>
    public double TrendSmoothing { get; init; } = 5;

    /// <summary>Minimum searches in the recent window for a query to be trending.</summary>
    public int TrendMinRecent { get; init; } = 2;

    /// <summary>Minimum sessions with the transition a→b for b to be related to a (q2q).</summary>
    public int Q2qMinSupport { get; init; } = 2;

    /// <summary>Related queries kept per query (q2q).</summary>
    public int Q2qTop { get; init; } = 20;

    /// <summary>Queries kept per item (i2q).</summary>
    public int I2qTop { get; init; } = 20;

    /// <summary>Refinements kept per query.</summary>
    public int RefinementTop { get; init; } = 10;

    /// <summary>Co-clicked queries kept per query in the Discover RELATED list (rd:).</summary>
    public int CoClickTop { get; init; } = 10;

    /// <summary>
    /// Items clicked from more kept queries than this link none of them (co-click): they say little (a best seller
    /// clicked from anything) and their pairs grow with the square of the count.
    /// </summary>
    public int CoClickMaxQueriesPerItem { get; init; } = 200;

    /// <summary>Word-sharing queries at most per query in the Discover RELATED list (rd:), as fill; 0: none.</summary>
    public int SharedWordsTop { get; init; } = 5;

    /// <summary>The Discover RELATED list is filled with its category's hot queries up to this length (rd:).</summary>
    public int RelatedFillTo { get; init; } = 20;

    /// <summary>Queries kept per hot and per trending list.</summary>
    public int HotTop { get; init; } = 50;

    /// <summary>Categories kept in a query's top categories.</summary>
    public int TopCategories { get; init; } = 3;

    /// <summary>
    /// A query whose searches with a known result count returned no result at least this often is removed
    /// (1.01 disables the rule).
    /// </summary>
    public double ZeroResultShare { get; init; } = 0.8;

    /// <summary>A query of only digits (spaces and '-' allowed) with at least this many digits is an item id and removed (0 disables).</summary>
    public int NumericMinDigits { get; init; } = 6;

    /// <summary>Writes the full-pinyin ("py:") and initials ("pi:") tables for queries with at least one hanzi.</summary>
    public bool Pinyin { get; init; } = true;

    /// <summary>Pinyin readings expanded per query at most (polyphones).</summary>
    public int MaxPinyinVariants { get; init; } = 16;

    /// <summary>
    /// Score multiplier of a pinyin match per polyphone read with a non-primary reading (0–1): popularity x
    /// weight^n, so rare readings do not crowd the likely ones out of a node.
    /// </summary>
    public double PinyinSecondaryWeight { get; init; } = 0.05;

    /// <summary>Longest indexed full-pinyin and initials prefix, in letters (runes).</summary>
    public int MaxPinyinPrefixLength { get; init; } = 24;

    /// <summary>Writes the word-start infix table ("x:").</summary>
    public bool Infix { get; init; } = true;

    /// <summary>Longest indexed infix key, in runes, from a word start.</summary>
    public int MaxInfixPrefixLength { get; init; } = 8;

    /// <summary>
    /// Shortest infix key, in runes, when the suffix starts with a Latin letter or digit (1 or more): one Latin
    /// letter from a word start matches too much to be useful and costs the most keys. Hanzi starts index from 1.
    /// </summary>
    public int MinLatinInfixLength { get; init; } = 2;

    /// <summary>
    /// Skips the completion-table nodes below a complete node (one whose key matched at most top-K queries): they
    /// hold filtered subsets of it, and servers read the longest written ancestor and filter
    /// (<c>IndexInfo.complete_nodes_pruned</c>). <c>--no-prune</c> writes every node.
    /// </summary>
    public bool PruneCompleteNodes { get; init; } = true;

    /// <summary>Most popular kept queries written to the vocabulary chunks ("v:{n}") for typo tolerance; 0 writes none.</summary>
    public int MaxVocabulary { get; init; } = 1_000_000;

    /// <summary>
    /// Passes per completion table (0: from the number of entries, <see cref="EntriesPerTablePartition"/> each), after a
    /// head pass that builds and keeps the one-rune keys. Each pass holds only the longer keys whose first two runes
    /// hash to it, so the build's peak memory is a fraction of a table's nodes; the output does not depend on it (a
    /// node of two runes or more and its parent share their first two runes; <see cref="TablePartition"/>).
    /// </summary>
    public int TablePartitions { get; init; }

    /// <summary>
    /// Threads the build's parallel steps use (<c>--threads</c>, default: one per processor): the completion tables'
    /// passes after the head pass (with the nodes of that many passes in memory) and the other steps that split
    /// their work. The output does not depend on it.
    /// </summary>
    public int TableThreads { get; init; } = Math.Min(Environment.ProcessorCount, MaxTableThreads);

    /// <summary>Largest accepted <see cref="TableThreads"/>.</summary>
    public const int MaxTableThreads = 64;

    /// <summary>Largest accepted <see cref="TablePartitions"/>.</summary>
    public const int MaxTablePartitions = 256;

    /// <summary>With <see cref="TablePartitions"/> 0: table entries (queries, or pinyin readings levels) per pass.</summary>
    public const int EntriesPerTablePartition = 50_000;

    /// <summary>
    /// N of a partitioned build (<c>--partition I/N</c>, 1 to <see cref="Storage.IndexSlices.MaxCount"/>): the build
    /// writes slice <see cref="SliceIndex"/> of N (<see cref="TableSlicing"/>); 0: the whole index.
    /// </summary>
    public int SliceCount { get; init; }

    /// <summary>I of a partitioned build: the slice written, 0 to <see cref="SliceCount"/> - 1.</summary>
    public int SliceIndex { get; init; }

    /// <summary>A partitioned build: the identity of its input (a hash of its bytes), part of every slice's build identity.</summary>
    public ulong InputIdentity { get; init; }

    /// <summary>The operator lists: blacklist, whitelist (pins) and external result counts.</summary>
    public HygieneLists Lists { get; init; } = HygieneLists.Empty;

    /// <summary>The version id, or null to derive it from the build time and the content checksum.</summary>
    public string? Version { get; init; }

    /// <summary>Free text stored in the manifest description, e.g. the input file.</summary>
    public string? Source { get; init; }

    /// <summary>
    /// The ranking model to carry in the index (<c>--model</c>): written as the record "m:model", its version recorded
    /// in <see cref="Storage.V1.IndexInfo.RankingModelVersion"/>, so it is published and rolled back with the index.
    /// </summary>
    public Storage.V1.RankingModelPackage? RankingModel { get; init; }

    /// <summary>Returns every problem with these options (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MinCount < 1)
        {
            problems.Add($"--min-count must be at least 1 (got {MinCount}).");
        }

        if (MisspellingRatio is not 0 and (< 1 or > 1_000_000) || double.IsNaN(MisspellingRatio))
        {
            problems.Add($"--misspelling-ratio must be 0 (off) or between 1 and 1000000 (got {MisspellingRatio.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (SpacingFoldAgreement is < 0 or > 2 || double.IsNaN(SpacingFoldAgreement))
        {
            problems.Add($"--spacing-fold-agreement must be between 0 and 2 (above 1: off; got {SpacingFoldAgreement.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (CorrectionMinSessions < 0)
        {
            problems.Add($"--correction-min-sessions must be 0 (off) or more (got {CorrectionMinSessions}).");
        }

        if (MinUsers < 1)
        {
            problems.Add($"--min-users must be at least 1 (got {MinUsers}).");
        }

        if (TopK is < 1 or > MaxTopK)
        {
            problems.Add($"--top-k must be between 1 and {MaxTopK} (got {TopK}).");
        }

        if (MaxPrefixLength is < 1 or > Limits.MaxPrefixLength)
        {
            problems.Add($"--max-prefix-length must be between 1 and {Limits.MaxPrefixLength} (got {MaxPrefixLength}).");
        }

        if (PinyinSecondaryWeight is < 0 or > 1 || double.IsNaN(PinyinSecondaryWeight))
        {
            problems.Add($"--pinyin-secondary-weight must be between 0 and 1 (got {PinyinSecondaryWeight.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (MaxPinyinVariants is < 1 or > MaxPinyinVariantsLimit)
        {
            problems.Add($"--pinyin-variants must be between 1 and {MaxPinyinVariantsLimit} (got {MaxPinyinVariants}).");
        }

        if (MaxPinyinPrefixLength is < 1 or > Limits.MaxPrefixLength)
        {
            problems.Add($"--max-pinyin-prefix must be between 1 and {Limits.MaxPrefixLength} (got {MaxPinyinPrefixLength}).");
        }

        if (MaxInfixPrefixLength is < 1 or > Limits.MaxPrefixLength)
        {
            problems.Add($"--max-infix-prefix must be between 1 and {Limits.MaxPrefixLength} (got {MaxInfixPrefixLength}).");
        }

        if (MinLatinInfixLength < 1 || (MaxInfixPrefixLength >= 1 && MinLatinInfixLength > MaxInfixPrefixLength))
        {
            problems.Add($"--min-latin-infix must be between 1 and --max-infix-prefix ({MaxInfixPrefixLength}) (got {MinLatinInfixLength}).");
        }

        if (TableThreads is < 1 or > MaxTableThreads)
        {
            problems.Add($"--threads must be between 1 and {MaxTableThreads} (got {TableThreads}).");
        }

        if (TablePartitions is < 0 or > MaxTablePartitions)
        {
            problems.Add($"table partitions must be between 0 and {MaxTablePartitions} (got {TablePartitions}).");
        }

        if (SliceCount is < 0 or > Storage.IndexSlices.MaxCount || SliceIndex < 0 || SliceIndex >= Math.Max(1, SliceCount))
        {
            problems.Add($"--partition must be I/N with N from 1 to {Storage.IndexSlices.MaxCount} and I from 0 to N-1 (got {SliceIndex}/{SliceCount}).");
        }

        if (MaxVocabulary is < 0 or > MaxVocabularyLimit)
        {
            problems.Add($"--vocabulary-max must be between 0 and {MaxVocabularyLimit} (got {MaxVocabulary}).");
        }

        Positive(problems, "--session-gap", SessionGap);
        NotNegative(problems, "--max-disorder", MaxDisorder);
        NotNegative(problems, "--fragment-window", FragmentWindow);
        Positive(problems, "--half-life", HalfLife);
        Positive(problems, "--trend-window", TrendWindow);
        Positive(problems, "--trend-baseline", TrendBaseline);
        if (!(TrendSmoothing > 0) || double.IsInfinity(TrendSmoothing))
        {
            problems.Add($"--trend-smoothing must be a positive number (got {TrendSmoothing}).");
        }

        AtLeast(problems, "--trend-min-recent", TrendMinRecent, 1);
        AtLeast(problems, "--q2q-min-support", Q2qMinSupport, 1);
        Between(problems, "--q2q-top", Q2qTop);
        Between(problems, "--i2q-top", I2qTop);
        Between(problems, "--refine-top", RefinementTop);
        UpTo(problems, "--co-click-top", CoClickTop);
        UpTo(problems, "--shared-words-top", SharedWordsTop);
        UpTo(problems, "--related-fill-to", RelatedFillTo);
        Between(problems, "--hot-top", HotTop);
        if (TopCategories is < 1 or > 20)
        {
            problems.Add($"--top-categories must be between 1 and 20 (got {TopCategories}).");
        }

        if (!(ZeroResultShare > 0))
        {
            problems.Add($"--zero-result-share must be positive (got {ZeroResultShare}).");
        }

        if (NumericMinDigits < 0)
        {
            problems.Add($"--numeric-min-digits must not be negative (got {NumericMinDigits}).");
        }

        if (Version is not null)
        {
            try
            {
                Storage.IndexBuild.ValidateVersion(Version);
            }
            catch (ArgumentException ex)
            {
                problems.Add(ex.Message.Split(" (Parameter", 2)[0]);
            }
        }

        return problems;
    }

    private static void Positive(List<string> problems, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{name} must be positive (got {value}).");
        }
    }

    private static void NotNegative(List<string> problems, string name, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            problems.Add($"{name} must not be negative (got {value}).");
        }
    }

    private static void AtLeast(List<string> problems, string name, int value, int min)
    {
        if (value < min)
        {
            problems.Add($"{name} must be at least {min} (got {value}).");
        }
    }

    private static void UpTo(List<string> problems, string name, int value)
    {
        if (value is < 0 or > MaxTopK)
        {
            problems.Add($"{name} must be between 0 and {MaxTopK} (got {value}).");
        }
    }

    private static void Between(List<string> problems, string name, int value)
    {
        if (value is < 1 or > MaxTopK)
        {
            problems.Add($"{name} must be between 1 and {MaxTopK} (got {value}).");
        }
    }
}
