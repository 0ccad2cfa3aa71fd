namespace QueryRec.FunctionalTests.BadInput;

/// <summary>The RPC a corpus case is sent to.</summary>
public enum CorpusRpc
{
    Suggest,
    Discover,
    GetShadingWords,
    ReportEvents,
    DeleteHistory,
    GetPushQueries,
    Correct,
}
