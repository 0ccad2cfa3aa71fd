namespace QueryRec.FunctionalTests.BadInput;

/// <summary>An HTTP/1.1 response read by <see cref="RawHttp1Connection"/>; header names are lower case.</summary>
internal sealed record RawHttp1Response(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body);
