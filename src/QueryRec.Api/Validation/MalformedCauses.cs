namespace QueryRec.Api.Validation;

/// <summary>Metric and log names of <see cref="MalformedCause"/>.</summary>
internal static class MalformedCauses
{
    /// <summary>The value of the <c>cause</c> tag (constant strings: no allocation per request).</summary>
    public static string Tag(MalformedCause cause) => cause switch
    {
        MalformedCause.Empty => "empty",
        MalformedCause.Truncated => "truncated",
        MalformedCause.TooLarge => "too_large",
        MalformedCause.ExtraMessage => "extra_message",
        MalformedCause.TrailingData => "trailing_data",
        MalformedCause.CompressedWithoutEncoding => "compressed_without_encoding",
        MalformedCause.BadCompression => "bad_compression",
        MalformedCause.BadFlag => "bad_flag",
        MalformedCause.BadBase64 => "bad_base64",
        _ => "other",
    };
}
