using Microsoft.Extensions.Hosting;

namespace GatoMesh.Silo.Hosting;

/// <summary>A silo embedded in another program (a CLI command, a test) leaves that program's signals to
/// it: unlike the default console lifetime, this one does not take over SIGTERM and Ctrl+C.</summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
