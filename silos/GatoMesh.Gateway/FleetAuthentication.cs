using System.Security.Cryptography;
using System.Text;

namespace GatoMesh.Gateway;

/// <summary>Which fleet a connection acts as (docs/GATEWAY.md, "Authentication and fleets"): the key
/// from <c>Authorization: Bearer KEY</c>, looked up among the configured keys. The WebSocket and the
/// gRPC service both ask here, so a key means the same fleet whichever way a robot comes in.</summary>
internal static class FleetAuthentication
{
    private const string Bearer = "Bearer ";

    /// <summary>The key of an <c>Authorization</c> header value, or null when it is not a Bearer one.</summary>
    public static string? BearerKey(string? authorization) =>
        authorization is not null && authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
            ? authorization[Bearer.Length..].Trim()
            : null;

    /// <summary>The key's fleet, comparing against every configured key in fixed time, so how long a
    /// refusal takes says nothing about how close a guessed key came.</summary>
    public static string? FleetOf(IReadOnlyDictionary<string, string> fleetKeys, string? key)
    {
        if (key is null) return null;
        var presented = Encoding.UTF8.GetBytes(key);
        string? fleet = null;
        foreach (var (known, owner) in fleetKeys)
            if (CryptographicOperations.FixedTimeEquals(presented, Encoding.UTF8.GetBytes(known))) fleet = owner;
        return fleet;
    }
}
