namespace QueryRec.FunctionalTests.BadInput;

/// <summary>What the server must answer to a corpus case.</summary>
public enum CorpusOutcome
{
    /// <summary>OK (for ReportEvents: the one event accepted, or a duplicate of an earlier pass).</summary>
    Ok,

    /// <summary>INVALID_ARGUMENT whose BadRequest has exactly one violation, naming the case's field.</summary>
    Invalid,

    /// <summary>Either of the above: text whose visibility after normalization is the normalizer's call.</summary>
    OkOrInvalid,

    /// <summary>ReportEvents: OK, with the one event rejected on the case's field.</summary>
    Rejected,

    /// <summary>ReportEvents: OK, the event accepted (or a duplicate) or rejected on the case's field.</summary>
    AcceptedOrRejected,

    /// <summary>RESOURCE_EXHAUSTED: the message is larger than the server's MaxReceiveMessageSize (1 MiB).</summary>
    TooLarge,

    /// <summary>Bytes that are not a valid protobuf message: INVALID_ARGUMENT naming the field "request".</summary>
    Malformed,
}
