using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace QueryRec.Api.Admin;

/// <summary>The admin endpoint (erasure). Section <c>QueryRec:Admin</c>; off unless both a port and a token are set.</summary>
public sealed class AdminOptions
{
    public const string Section = "QueryRec:Admin";

    /// <summary>Shortest token accepted: a guessable secret would turn erasure into a public RPC.</summary>
    public const int MinTokenLength = 16;

    /// <summary>
    /// The local port the admin service answers on (a Kestrel endpoint must listen on it); 0 turns the admin service
    /// off. Calls that reach the service on any other port are refused.
    /// </summary>
    [Range(0, 65535)]
    public int Port { get; set; }

    /// <summary>The bearer token every admin call must carry (from a secret store, never from a committed file).</summary>
    public string Token { get; set; } = string.Empty;

    public bool Enabled => Port > 0;
}

/// <summary>Source-generated DataAnnotations validation of <see cref="AdminOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class AdminOptionsValidator : IValidateOptions<AdminOptions>;

/// <summary>Cross-field rules of <see cref="AdminOptions"/>: an admin port needs a long enough token.</summary>
internal sealed class AdminOptionsRules : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
        => options.Enabled && options.Token.Length < AdminOptions.MinTokenLength
            ? ValidateOptionsResult.Fail($"{AdminOptions.Section}:Token must be at least {AdminOptions.MinTokenLength} characters when {AdminOptions.Section}:Port is set.")
            : ValidateOptionsResult.Success;
}
