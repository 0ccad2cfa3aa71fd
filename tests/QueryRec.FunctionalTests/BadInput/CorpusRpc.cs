using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using QueryRec.Contracts.V1;
using QueryRec.Core;

namespace QueryRec.FunctionalTests.BadInput;

/// <summary>The RPC a corpus case is sent to.</summary>
public enum CorpusRpc
{
    Suggest,
    Discover,
    GetShadingWords,
    ReportEvents,
}
