namespace QueryRec.TestSupport;

/// <summary>
/// Sets of slice files of a partitioned build (<c>indexer build --partition I/N</c>) for the refusal tests of
/// <c>assemble</c> and <c>publish --slices</c>: a copy of one build's three slices, spoiled one way.
/// </summary>
/// <param name="Three">The directory of one build's slices 0..2 of 3 (slice-I.qrx).</param>
/// <param name="Two">A directory of the same input's slices of 2.</param>
/// <param name="Other">A directory of slices of 3 of another build (other options).</param>
/// <param name="Whole">A whole index file.</param>
public sealed record SliceSets(string Three, string Two, string Other, string Whole)
{
    /// <summary>
    /// Copies the three slices into <paramref name="directory"/> and spoils the copy as <paramref name="spoil"/> says: "none",
    /// "missing", "duplicated", "other-n", "other-build", "corrupted", "truncated" or "whole".
    /// </summary>
    public string Copy(string spoil, string directory)
    {
        Directory.CreateDirectory(directory);
        for (var i = 0; i < 3; i++)
        {
            File.Copy(Path.Combine(Three, $"slice-{i}.qrx"), Path.Combine(directory, $"slice-{i}.qrx"));
        }

        var one = Path.Combine(directory, "slice-1.qrx");
        var last = Path.Combine(directory, "slice-2.qrx");
        switch (spoil)
        {
            case "none":
                break;
            case "missing":
                File.Delete(one);
                break;
            case "duplicated":
                File.Copy(one, Path.Combine(directory, "slice-1-again.qrx"));
                break;
            case "other-n":
                File.Copy(Path.Combine(Two, "slice-1.qrx"), one, overwrite: true);
                break;
            case "other-build":
                File.Copy(Path.Combine(Other, "slice-1.qrx"), one, overwrite: true);
                break;
            case "corrupted":
                var bytes = File.ReadAllBytes(last);
                bytes[^3] ^= 0x01; // inside the last record's value: only the checksum can tell
                File.WriteAllBytes(last, bytes);
                break;
            case "truncated":
                var all = File.ReadAllBytes(last);
                File.WriteAllBytes(last, all[..^40]);
                break;
            case "whole":
                File.Copy(Whole, Path.Combine(directory, "whole.qrx"));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(spoil), spoil, "Unknown spoil.");
        }

        return directory;
    }
}
