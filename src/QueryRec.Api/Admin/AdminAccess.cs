using System.Security.Cryptography;
using System.Text;
using Grpc.Core;

namespace QueryRec.Api.Admin;

/// <summary>
/// Who may call the admin service: a call that arrived on the admin port (the route's host rule reads the Host
/// header, which a client chooses, so the port of the connection itself is checked too) with the configured bearer
/// token, compared in constant time.
/// </summary>
internal static class AdminAccess
{
    private const string Scheme = "Bearer ";

    /// <summary>Throws PERMISSION_DENIED off the admin port and UNAUTHENTICATED without the right token.</summary>
    public static void Demand(ServerCallContext context, AdminOptions options)
    {
        if (!options.Enabled || context.GetHttpContext().Connection.LocalPort != options.Port)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "The admin service is served on the admin port only."));
        }

        var header = context.RequestHeaders.GetValue("authorization");
        if (header is null || !header.StartsWith(Scheme, StringComparison.Ordinal) || !Matches(header[Scheme.Length..], options.Token))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "A valid admin bearer token is required."));
        }
    }

    // Hashes first: FixedTimeEquals needs equal lengths, and the length of the token must not leak either.
    private static bool Matches(string presented, string expected)
        => CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
