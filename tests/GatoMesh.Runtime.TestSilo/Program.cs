using System.Reflection;
using System.Runtime.CompilerServices;
using GatoMesh.Runtime.Hosting;
using GatoMesh.Runtime.Membership;
using GatoMesh.Runtime.Storage;
using GatoMesh.Runtime.TestGrains;
using Microsoft.Extensions.Logging;

// gatomesh test silo: --port P --gateway-port G [--redis HOST:PORT --cluster-id ID] [--grains ASSEMBLY_PATH ...]
// Prints "silo ready <host>:<port>@<generation> gateway <port>" once it serves; stops on SIGTERM / Ctrl+C (exit 0).
// Declared dead by the cluster, it stops and exits with DeclaredDeadExitCode, so a supervisor restarts it
// as a new incarnation (a dead generation can never serve again).
const int DeclaredDeadExitCode = 3;
var port = 0;
var gatewayPort = 0;
string? redis = null;
var clusterId = "local";
var grainAssemblies = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"option {args[i]} needs a value");
    switch (args[i])
    {
        case "--port": port = ParsePort("--port", Value()); break;
        case "--gateway-port": gatewayPort = ParsePort("--gateway-port", Value()); break;
        case "--redis": redis = Value(); break;
        case "--cluster-id": clusterId = Value(); break;
        case "--grains": grainAssemblies.Add(Value()); break;
        default:
            Console.Error.WriteLine($"unknown option '{args[i]}'");
            return 2;
    }
}

// The test grains are always hosted; --grains loads more (their generated module initializers register them).
RuntimeHelpers.RunModuleConstructor(typeof(ICounterGrain).Module.ModuleHandle);
foreach (var path in grainAssemblies)
    RuntimeHelpers.RunModuleConstructor(Assembly.LoadFrom(Path.GetFullPath(path)).ManifestModule.ModuleHandle);

// Logs go to stderr: stdout carries only the ready line that launchers wait for.
using var loggers = LoggerFactory.Create(b => b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
    .SetMinimumLevel(LogLevel.Warning));
var options = new SiloOptions { Port = port, GatewayPort = gatewayPort };
RedisMembershipTable? table = null;
RedisGrainStorage? storage = null;
if (redis is not null)
{
    table = new RedisMembershipTable(redis, clusterId);
    storage = new RedisGrainStorage(redis, $"gatomesh:{clusterId}:grains:");
    options = options with
    {
        Membership = table,
        Storage = storage,
        MembershipOptions = new MembershipOptions
        {
            HeartbeatPeriod = TimeSpan.FromMilliseconds(500),
            ProbePeriod = TimeSpan.FromMilliseconds(500),
            ProbeTimeout = TimeSpan.FromMilliseconds(500),
            TableRefreshPeriod = TimeSpan.FromMilliseconds(250),
            MissedProbesBeforeSuspecting = 2,
            IAmAliveExpiry = TimeSpan.FromSeconds(4),
        },
    };
}

var silo = await SiloHost.StartAsync(options, loggers);
Console.WriteLine($"silo ready {silo.Address} gateway {silo.GatewayPort}");
var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
{
    c.Cancel = true;
    stop.TrySetResult();
});
bool declaredDead = await Task.WhenAny(stop.Task, silo.DeclaredDead) == silo.DeclaredDead;
if (declaredDead) Console.Error.WriteLine($"silo {silo.Address} was declared dead by the cluster; exiting with code {DeclaredDeadExitCode}");
await silo.StopAsync();
table?.Dispose();
storage?.Dispose();
return declaredDead ? DeclaredDeadExitCode : 0;

static int ParsePort(string option, string value) =>
    int.TryParse(value, out int p) && p is >= 0 and <= 65535
        ? p
        : throw new ArgumentException($"{option} must be a port number 0-65535, was '{value}'");
