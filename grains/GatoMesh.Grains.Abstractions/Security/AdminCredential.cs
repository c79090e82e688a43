namespace GatoMesh.Grains;

/// <summary>
/// How a caller presents the cluster's admin credential with its grain calls: the key travels in
/// Orleans' request context (which flows with the call, and on to the calls it makes), never in a
/// message. Within a <see cref="Present"/> scope every call made from this async flow carries it.
/// </summary>
public static class AdminCredential
{
    /// <summary>The request-context key the admin key travels under.</summary>
    public const string RequestContextKey = "gatomesh.admin";

    /// <summary>Calls made until the result is disposed carry <paramref name="key"/>.</summary>
    public static IDisposable Present(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var previous = RequestContext.Get(RequestContextKey);
        RequestContext.Set(RequestContextKey, key);
        return new Scope(previous);
    }

    private sealed class Scope(object? previous) : IDisposable
    {
        public void Dispose()
        {
            if (previous is null) RequestContext.Remove(RequestContextKey);
            else RequestContext.Set(RequestContextKey, previous);
        }
    }
}

/// <summary>A call that changes the deployment (<see cref="RequiresAdminAttribute"/>) came without the
/// cluster's admin credential, or with a wrong one.</summary>
[GenerateSerializer, Alias("gatomesh.AdminCredentialRequiredException")]
public sealed class AdminCredentialRequiredException : Exception
{
    public AdminCredentialRequiredException(string method)
        : base($"{method} changes the deployment and needs the cluster's admin credential (AdminCredential.Present)") => Method = method;

    [Id(0)] public string Method { get; }
}
