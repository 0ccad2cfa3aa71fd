using System.Text;

namespace QueryRec.Indexer.Import;

/// <summary>The input formats <see cref="EventImporter"/> reads.</summary>
public enum ImportFormat
{
    /// <summary>The generic JSONL events.</summary>
    Jsonl,

    /// <summary>The AOL query log TSV.</summary>
    Aol,

    /// <summary>The Best Buy search-click CSV.</summary>
    BestBuy,
}

/// <summary>What an import did.</summary>
/// <param name="RecordsImported">Input lines (records) that produced events.</param>
/// <param name="EventsWritten">Events written to the output.</param>
/// <param name="BadLines">Lines refused, each with a line number and a reason.</param>
/// <param name="Errors">The first <see cref="EventImporter.KeptErrors"/> errors.</param>
/// <param name="Aborted">True when more than the allowed number of bad lines was found and the output was not written.</param>
public sealed record ImportResult(long RecordsImported, long EventsWritten, long BadLines, IReadOnlyList<ImportError> Errors, bool Aborted);

/// <summary>Imports a log file in one of the supported formats into the generic JSONL events.</summary>
public static class EventImporter
{
    /// <summary>How many errors the result keeps in memory (all are streamed to the callback and errors file).</summary>
    public const int KeptErrors = 1000;

    /// <summary>Reads the items of a file in the given format, streaming.</summary>
    public static IEnumerable<ImportItem> ReadItems(ImportFormat format, TextReader reader) => format switch
    {
        ImportFormat.Jsonl => JsonlEventFormat.Read(reader),
        ImportFormat.Aol => AolLogReader.Read(reader),
        ImportFormat.BestBuy => BestBuyCsvReader.Read(reader),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>
    /// Imports <paramref name="inputPath"/> into <paramref name="outputPath"/> (written atomically). Every bad
    /// line is reported to <paramref name="onError"/> and to <paramref name="errorsPath"/> when given. When
    /// <paramref name="maxErrors"/> is set and exceeded, stops and leaves no output.
    /// </summary>
    /// <param name="onProgress">Called now and then with the bytes read so far and the input size.</param>
    public static ImportResult Import(
        ImportFormat format,
        string inputPath,
        string outputPath,
        long? maxErrors = null,
        string? errorsPath = null,
        Action<ImportError>? onError = null,
        Action<long, long>? onProgress = null,
        CancellationToken cancellationToken = default)
    {
        var fullOutput = Path.GetFullPath(outputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(fullOutput)!);
        var temp = fullOutput + ".tmp-" + Environment.ProcessId;
        long records = 0, events = 0, bad = 0, lastLine = -1;
        var kept = new List<ImportError>();
        var aborted = false;
        try
        {
            using var input = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var reader = new StreamReader(input, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
            using var errors = errorsPath is null ? null : JsonlEventFormat.CreateWriter(errorsPath);
            using (var writer = JsonlEventFormat.CreateWriter(temp))
            {
                foreach (var item in ReadItems(format, reader))
                {
                    if (item.Error is { } error)
                    {
                        bad++;
                        if (kept.Count < KeptErrors)
                        {
                            kept.Add(error);
                        }

                        errors?.Write(error + "\n");
                        onError?.Invoke(error);
                        if (maxErrors is { } max && bad > max)
                        {
                            aborted = true;
                            break;
                        }

                        continue;
                    }

                    if (item.LineNumber != lastLine)
                    {
                        records++;
                        lastLine = item.LineNumber;
                        if ((records & 0x3FF) == 0)
                        {
                            cancellationToken.ThrowIfCancellationRequested();
                            onProgress?.Invoke(input.Position, input.Length);
                        }
                    }

                    writer.Write(JsonlEventFormat.Format(item.Event!));
                    writer.Write('\n');
                    events++;
                }

                onProgress?.Invoke(input.Position, input.Length);
            }

            if (!aborted)
            {
                File.Move(temp, fullOutput, overwrite: true);
            }
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }

        return new ImportResult(records, aborted ? 0 : events, bad, kept, aborted);
    }
}
