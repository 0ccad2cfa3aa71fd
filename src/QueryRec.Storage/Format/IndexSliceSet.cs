using System.Globalization;
using QueryRec.Storage.V1;

namespace QueryRec.Storage;

/// <summary>
/// The slice files of one partitioned build (<c>indexer build --partition I/N</c>), checked and assembled into the
/// index version they make. <see cref="Open"/> reads the manifests: every file a slice, all of the same N and build
/// identity, no index twice. <see cref="Assemble"/> reads every slice to its end (each verifies its counts and
/// checksum) in one k-way merge, refusing a key held by two slices, and makes the manifest of the whole: the counts,
/// checksum and version that the unpartitioned build of the same input and options writes. Only then does
/// <see cref="OpenAssembled"/> give the bytes of the assembled index file, merging the slices again (and verifying
/// them again: a slice that changed in between fails the assembled file's own checksum).
/// </summary>
public sealed class IndexSliceSet
{
    private readonly string[] _paths; // by slice index; null where missing
    private readonly IndexManifest[] _manifests;

    private IndexSliceSet(string[] paths, IndexManifest[] manifests, IndexSlice first)
    {
        _paths = paths;
        _manifests = manifests;
        Count = first.Count;
        BuildIdentity = first.BuildIdentity;
        Missing = [.. Enumerable.Range(0, Count).Where(i => paths[i] is null)];
    }

    /// <summary>N: how many slices the build has.</summary>
    public int Count { get; }

    /// <summary>The build identity every slice carries.</summary>
    public ulong BuildIdentity { get; }

    /// <summary>The slice indices no file holds (the set cannot be assembled until none is missing).</summary>
    public IReadOnlyList<int> Missing { get; }

    /// <summary>The files found, by slice index (missing slices left out).</summary>
    public IEnumerable<string> Paths => _paths.Where(static p => p is not null);

    /// <summary>Whether a slice failed its verification (an <see cref="InvalidDataException"/> from the set was about a slice).</summary>
    public bool IsInvalid { get; private set; }

    /// <summary>Reads the manifests of <paramref name="paths"/> and checks that they are slices of one build.</summary>
    /// <exception cref="InvalidDataException">
    /// No file given; a file is not a slice, or is truncated or corrupted before its records; two files hold the same
    /// slice; files of another N or of another build. The message names the files.
    /// </exception>
    public static IndexSliceSet Open(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
        {
            throw new InvalidDataException("No slice files.");
        }

        var opened = new List<(string Path, IndexManifest Manifest)>(paths.Count);
        foreach (var path in paths)
        {
            using var reader = IndexFileReader.Open(path, path, slice: true);
            opened.Add((path, reader.Manifest));
        }

        foreach (var (path, manifest) in opened)
        {
            if (manifest.Slice is not { Count: >= 1 and <= IndexSlices.MaxCount } slice || slice.Index < 0 || slice.Index >= slice.Count)
            {
                throw new InvalidDataException($"{path} declares slice {manifest.Slice.Index} of {manifest.Slice.Count}: a slice is I of N with N from 1 to {IndexSlices.MaxCount} and I from 0 to N-1.");
            }
        }

        var (firstPath, firstManifest) = opened.MinBy(static o => o.Manifest.Slice.Index);
        var first = firstManifest.Slice;
        var byIndex = new string[first.Count];
        var manifests = new IndexManifest[first.Count];
        foreach (var (path, manifest) in opened)
        {
            var slice = manifest.Slice;
            if (slice.Count != first.Count)
            {
                throw new InvalidDataException($"{path} is {IndexSlices.Name(slice.Index, slice.Count)}, but {firstPath} is {IndexSlices.Name(first.Index, first.Count)}: the slices of one build have the same N.");
            }

            if (slice.BuildIdentity != first.BuildIdentity || slice.Version != first.Version)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path} and {firstPath} are slices of different builds (build identity {slice.BuildIdentity:x16}, not {first.BuildIdentity:x16}; version '{slice.Version}', not '{first.Version}')."));
            }

            if (byIndex[slice.Index] is { } twice)
            {
                throw new InvalidDataException($"{twice} and {path} are both {IndexSlices.Name(slice.Index, slice.Count)}.");
            }

            byIndex[slice.Index] = path;
            manifests[slice.Index] = manifest;
        }

        return new IndexSliceSet(byIndex, manifests, first);
    }

    /// <summary>
    /// Reads every slice to its end, merged, and makes the manifest of the assembled index: slice 0's creation time and
    /// description, the counts and checksum of the union, the requested version or one made from the checksum (as the
    /// unpartitioned build makes it).
    /// </summary>
    /// <exception cref="InvalidDataException">A slice is missing, truncated or corrupted, or two slices hold the same key.</exception>
    public IndexManifest Assemble(CancellationToken cancellationToken = default)
    {
        ThrowIfMissing();
        var verifier = NewVerifier();
        long total = 0;
        using (var merge = OpenMerge())
        {
            while (Read(merge))
            {
                verifier.Verify(merge.Key, merge.Value, total++);
                if ((total & 0xFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }

        var (checksum, counts) = verifier.Totals();
        var head = _manifests[0];
        var manifest = new IndexManifest
        {
            FormatVersion = IndexBuild.FormatVersion,
            CreatedUnixMs = head.CreatedUnixMs,
            Description = head.Description,
            TotalRecords = total,
            Checksum = checksum,
        };
        foreach (var (kind, count) in counts)
        {
            manifest.RecordCounts[kind] = count;
        }

        manifest.Version = head.Slice.Version.Length > 0
            ? head.Slice.Version
            : IndexBuild.MakeVersionId(DateTimeOffset.FromUnixTimeMilliseconds(head.CreatedUnixMs), checksum);
        IndexBuild.ValidateVersion(manifest.Version);
        return manifest;
    }

    /// <summary>
    /// The bytes of the assembled index file (<see cref="IndexFile"/> format) with <paramref name="manifest"/> from
    /// <see cref="Assemble"/>, the slices merged as the stream is read.
    /// </summary>
    public Stream OpenAssembled(IndexManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ThrowIfMissing();
        return new AssembledIndexStream(manifest, OpenMerge(), this);
    }

    /// <summary>Assembles the slices into an index file at <paramref name="path"/>, atomically (a temporary file, then a rename).</summary>
    /// <returns>The manifest written.</returns>
    /// <exception cref="InvalidDataException">As <see cref="Assemble"/>; nothing is written then.</exception>
    public IndexManifest WriteFile(string path, CancellationToken cancellationToken = default)
    {
        var manifest = Assemble(cancellationToken);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var source = OpenAssembled(manifest))
            using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                source.CopyTo(output, 1 << 20);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        return manifest;
    }

    /// <summary>Checks the merged records as they go by; its errors mark the set invalid.</summary>
    internal IndexFileVerifier NewVerifier() => new(what =>
    {
        IsInvalid = true;
        return new InvalidDataException("The assembled slices " + what + ".");
    });

    /// <summary>Reads the next merged record, noting that the set is invalid when a slice is.</summary>
    internal bool Read(SliceMerge merge)
    {
        try
        {
            return merge.Read();
        }
        catch (InvalidDataException)
        {
            IsInvalid = true;
            throw;
        }
    }

    private SliceMerge OpenMerge()
    {
        var names = new string[Count];
        var readers = new IndexFileReader[Count];
        try
        {
            for (var i = 0; i < Count; i++)
            {
                names[i] = $"{IndexSlices.Name(i, Count)} ({_paths[i]})";
                readers[i] = IndexFileReader.Open(_paths[i], names[i], slice: true);
                if (!readers[i].Manifest.Equals(_manifests[i]))
                {
                    throw new InvalidDataException($"{names[i]} changed since its manifest was read.");
                }
            }

            return new SliceMerge(readers, names);
        }
        catch (Exception ex)
        {
            foreach (var reader in readers)
            {
                reader?.Dispose();
            }

            IsInvalid |= ex is InvalidDataException;
            throw;
        }
    }

    private void ThrowIfMissing()
    {
        if (Missing.Count > 0)
        {
            IsInvalid = true;
            throw new InvalidDataException($"{string.Join(", ", Missing.Select(i => IndexSlices.Name(i, Count)))} {(Missing.Count == 1 ? "is" : "are")} missing (found {string.Join(", ", Paths)}).");
        }
    }
}
