using Microsoft.Extensions.Hosting;

namespace GatoMesh.Gateway;

/// <summary>The gateway lives inside a silo process that owns its signals: unlike ASP.NET Core's
/// default console lifetime, this one does not take over SIGTERM / Ctrl+C (which would keep the
/// process alive after a SIGTERM meant for the silo).</summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
