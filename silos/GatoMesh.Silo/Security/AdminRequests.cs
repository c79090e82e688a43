using System.Text;
using Microsoft.AspNetCore.Http;

namespace GatoMesh.Silo.Security;

/// <summary>The admin credential an HTTP request presents: <c>Authorization: Bearer KEY</c>, or Basic
/// with any user name and the key as password (what a browser's login prompt sends).</summary>
internal static class AdminRequests
{
    public static string? PresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return authorization[7..].Trim();
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
            var colon = pair.IndexOf(':');
            return colon < 0 ? null : pair[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
