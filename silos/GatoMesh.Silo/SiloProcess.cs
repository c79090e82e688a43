using GatoMesh.Gateway;
using GatoMesh.Silo.Security;
using Microsoft.Extensions.Logging;

namespace GatoMesh.Silo;

/// <summary>
/// The silo process (`gatomesh silo`, or the GatoMesh.Silo executable; options in README.md). It prints
/// <c>silo ready NAME silo PORT gateway PORT http PORT model VERSION</c> on stdout once it serves (the
/// line launchers wait for; logs go to stderr), and stops gracefully on SIGTERM or Ctrl+C: /health turns
/// 503, grains deactivate, the silo leaves membership, exit code 0. Bad options: a message naming the
/// option, exit code 2. A silo the cluster declared dead is ended by Orleans itself; a supervisor
/// restarts it, and it joins as a new incarnation.
/// </summary>
public static class SiloProcess
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        SiloCommandLine line;
        ServingSiloOptions options;
        try
        {
            line = SiloCommandLine.Parse(args);
            options = Options(line);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        using var loggers = LoggerFactory.Create(b => b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(line.Verbose ? LogLevel.Information : LogLevel.Warning));
        var silo = await ServingSilo.StartAsync(options, loggers);
        Console.WriteLine($"silo ready {silo.Name} silo {silo.SiloPort} gateway {silo.GatewayPort} http {silo.HttpPort} model {silo.ServedVersion.Id}");
        await silo.Stopping;
        await silo.StopAsync();
        return 0;
    }

    private static ServingSiloOptions Options(SiloCommandLine line)
    {
        var keys = line.FleetKeys;
        if (keys.Count == 0)
        {
            Console.Error.WriteLine($"no --fleet-key given: fleet '{SiloCommandLine.DevelopmentFleet}' with the development key '{SiloCommandLine.DevelopmentKey}'");
            keys = new() { [SiloCommandLine.DevelopmentKey] = SiloCommandLine.DevelopmentFleet };
        }
        var adminKey = line.AdminKey();
        if (adminKey is null)
        {
            if (line.Redis is not null)
                throw new ArgumentException($"--redis needs --admin-key-file (or ${SiloCommandLine.AdminKeyVariable}): every silo of a cluster checks the same admin credential");
            Console.Error.WriteLine("no --admin-key-file given: calls that change the deployment are refused");
        }
        else
        {
            _ = new AdminKey(adminKey);
        }
        return new ServingSiloOptions
        {
            Host = line.Host,
            SiloPort = line.Port,
            GatewayPort = line.GatewayPort,
            HttpPort = line.HttpPort,
            Name = line.Name,
            Redis = line.Redis is { } redis ? new RedisCluster(redis, line.ClusterId) : null,
            Certificate = line.Certificate is { } path ? ClusterCertificate.Load(path) : null,
            AdminKey = adminKey,
            Dashboard = line.Dashboard,
            HandlesProcessSignals = true,
            Model = line.Model,
            Engine = line.Engine,
            Gateway = new GatewayOptions { FleetKeys = keys },
        };
    }
}
