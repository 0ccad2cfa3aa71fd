namespace QueryRec.FunctionalTests.BadInput;

/// <summary>One bad-input case: the raw request bytes sent to an RPC and the answer expected.</summary>
public sealed record CorpusCase(string Name, CorpusRpc Rpc, byte[] Payload, CorpusOutcome Expected, string? Field);
