namespace GatoMesh.Deploy.Tests;

/// <summary>The silo image built once for a test class by deploy/image/build.sh (its root filesystem is
/// cached per package list, so a rebuild only publishes the silo again).</summary>
public sealed class SiloImage : IAsyncLifetime
{
    public const string Tag = "test-suite";

    public string Name => $"gatomesh-silo:{Tag}";

    /// <summary>Podman's settings for this machine (deploy/podman/containers.conf), for every podman call.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        ["CONTAINERS_CONF"] = Path.Combine(Commands.RepositoryRoot(), "deploy", "podman", "containers.conf"),
    };

    public async Task InitializeAsync() =>
        (await Commands.RunAsync(Path.Combine(Commands.RepositoryRoot(), "deploy", "image", "build.sh"), [Tag], TimeSpan.FromMinutes(15)))
            .Succeeded("deploy/image/build.sh");

    internal Task<Commands.Result> PodmanAsync(params string[] arguments) => Commands.RunAsync("podman", arguments, TimeSpan.FromMinutes(2), environment: Environment);

    public Task DisposeAsync() => Task.CompletedTask;
}
