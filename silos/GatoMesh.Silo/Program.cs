using GatoMesh.Gateway;
using GatoMesh.Runtime.Hosting;
using GatoMesh.Runtime.Membership;
using GatoMesh.Runtime.Storage;
using GatoMesh.Silo;
using Microsoft.Extensions.Logging;

// gatomesh silo: see README.md for the options. Prints "silo ready <host>:<port>@<generation> gateway <port> http <port> model <id>"
// once it serves; stops on SIGTERM / Ctrl+C (exit 0). Declared dead by the cluster, it exits with code 3 so
// a supervisor restarts it as a new incarnation. Bad options: a message naming the option, exit 2.
const int DeclaredDeadExitCode = 3;
SiloCommandLine line;
try
{
    line = SiloCommandLine.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

// Logs go to stderr: stdout carries only the ready line that launchers wait for.
using var loggers = LoggerFactory.Create(b => b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
    .SetMinimumLevel(line.Verbose ? LogLevel.Information : LogLevel.Warning));
RedisMembershipTable? table = null;
RedisGrainStorage? storage = null;
var runtime = new SiloOptions { Port = line.Port, GatewayPort = line.GatewayPort };
if (line.Redis is { } redis)
{
    table = new RedisMembershipTable(redis, line.ClusterId);
    storage = new RedisGrainStorage(redis, $"gatomesh:{line.ClusterId}:grains:");
    runtime = runtime with { Membership = table, Storage = storage, MembershipOptions = line.Membership };
}

var keys = line.FleetKeys;
if (keys.Count == 0)
{
    Console.Error.WriteLine($"no --fleet-key given: fleet '{SiloCommandLine.DevelopmentFleet}' with the development key '{SiloCommandLine.DevelopmentKey}'");
    keys = new() { [SiloCommandLine.DevelopmentKey] = SiloCommandLine.DevelopmentFleet };
}
var silo = await ServingSilo.StartAsync(new ServingSiloOptions
{
    Runtime = runtime,
    Model = line.Model,
    Engine = line.Engine,
    Gateway = new GatewayOptions { Port = line.HttpPort, FleetKeys = keys },
}, loggers);
Console.WriteLine($"silo ready {silo.Host.Address} gateway {silo.Host.GatewayPort} http {silo.GatewayHttpPort} model {silo.ServedVersion.Id}");
var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
{
    c.Cancel = true;
    stop.TrySetResult();
});
bool declaredDead = await Task.WhenAny(stop.Task, silo.Host.DeclaredDead) == silo.Host.DeclaredDead;
if (declaredDead) Console.Error.WriteLine($"silo {silo.Host.Address} was declared dead by the cluster; exiting with code {DeclaredDeadExitCode}");
await silo.StopAsync();
table?.Dispose();
storage?.Dispose();
return declaredDead ? DeclaredDeadExitCode : 0;
