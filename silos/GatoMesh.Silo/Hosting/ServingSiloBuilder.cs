using GatoMesh.Grains.Serving;
using GatoMesh.Model.Engine;
using GatoMesh.Silo.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GatoMesh.Silo.Hosting;

/// <summary>
/// What makes an Orleans silo a GatoMesh serving silo, whatever hosts it (the silo host, or a test
/// cluster of Orleans.TestingHost): the model and its engine as a silo service, the serving options,
/// the session count, and the admin-call filter (which a trainer silo or a test cluster adds alone:
/// <see cref="AddAdminCredential"/>). Storage, clustering and links are the host's choice.
/// </summary>
public static class ServingSiloBuilder
{
    public static ISiloBuilder AddGatoMeshServing(this ISiloBuilder silo, ModelSource model, EngineOptions engine, ServingOptions serving, string adminKey)
    {
        silo.AddAdminCredential(adminKey);
        silo.Services.AddSingleton(serving);
        silo.Services.AddSingleton<SessionActivations>();
        // The engine starts when the silo's services are first asked for it (ServingSilo asks before the silo
        // starts, so a bad checkpoint fails the start); the container disposes it when the silo is gone.
        silo.Services.AddSingleton(services => ModelHost.Start(model, engine,
            services.GetRequiredService<ILoggerFactory>().CreateLogger<ModelHost>(),
            services.GetRequiredService<ILocalSiloDetails>().Name));
        return silo;
    }

    /// <summary>Calls that change the deployment (<see cref="GatoMesh.Grains.RequiresAdminAttribute"/>) run
    /// only for callers presenting <paramref name="adminKey"/> (Security/AdminCallFilter.cs).</summary>
    public static ISiloBuilder AddAdminCredential(this ISiloBuilder silo, string adminKey)
    {
        silo.Services.AddSingleton(new AdminKey(adminKey));
        silo.AddIncomingGrainCallFilter<AdminCallFilter>();
        return silo;
    }
}
