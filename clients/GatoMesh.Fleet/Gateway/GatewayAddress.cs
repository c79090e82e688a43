namespace GatoMesh.Fleet;

/// <summary>
/// A gateway as a user names it: a WebSocket URI (<c>ws://host:port/v1/sessions</c>; a URI without a
/// path gets the standard one) or <c>host:port</c>. The same host and port serve Prometheus text at
/// <c>/metrics</c>.
/// </summary>
public sealed record GatewayAddress(Uri Sessions, Uri Metrics)
{
    public const string SessionsPath = "/v1/sessions";

    public static GatewayAddress Parse(string address)
    {
        var text = address.Trim();
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            var colon = text.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(text[(colon + 1)..], out var port) || port is < 1 or > 65535)
                throw new InvalidFleetOptionException("--silo", address, "must be a ws:// or wss:// URI or host:port");
            text = $"ws://{text}";
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("ws" or "wss"))
            throw new InvalidFleetOptionException("--silo", address, "must be a ws:// or wss:// URI or host:port");
        if (uri.AbsolutePath is "" or "/")
            uri = new UriBuilder(uri) { Path = SessionsPath }.Uri;
        var metrics = new UriBuilder(uri.Scheme == "wss" ? "https" : "http", uri.Host, uri.IsDefaultPort ? -1 : uri.Port, "/metrics");
        return new GatewayAddress(uri, metrics.Uri);
    }
}
