using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace QueryRec.Serving.Telemetry;

/// <summary>Telemetry settings. Section <c>QueryRec:Telemetry</c>.</summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "QueryRec:Telemetry";

    /// <summary>
    /// True registers the OpenTelemetry providers even when no exporter is configured
    /// (<c>QueryRec:Telemetry:Enabled</c>, read once at start by the host).
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Salt mixed into the hashes of user and device ids (<c>queryrec.user_hash</c>). Set a secret value in
    /// production: without one, a known id can be matched to its hash.
    /// </summary>
    [MaxLength(256)]
    public string UserHashSalt { get; set; } = string.Empty;
}

/// <summary>Validates <see cref="TelemetryOptions"/> (source-generated from its annotations).</summary>
[OptionsValidator]
internal sealed partial class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>;
