namespace GatoMesh.Grains.Serving;

/// <summary>How the serving grains behave on a silo (registered in the silo's services).</summary>
public sealed record ServingOptions
{
    /// <summary>The grain storage provider every serving grain persists through (memory when embedded,
    /// Redis in a cluster).</summary>
    public const string StorageName = "gatomesh";

    /// <summary>How often each silo's inference grain asks the registry for the deployed version.</summary>
    public TimeSpan RegistryPollPeriod { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A session untouched this long is expired: its state is deleted when it is next
    /// activated, and it answers <c>UnknownSession</c>.</summary>
    public TimeSpan SessionIdleExpiry { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Largest prompt a session accepts, in timesteps.</summary>
    public int MaxPromptTimesteps { get; init; } = 64;
}
