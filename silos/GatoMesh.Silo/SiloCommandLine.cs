using System.Globalization;
using GatoMesh.Grains.Serving;
using GatoMesh.Model.Engine;
using GatoMesh.Runtime.Membership;

namespace GatoMesh.Silo;

/// <summary>The silo process's options (README.md). Unknown or malformed options throw
/// <see cref="ArgumentException"/> naming the option.</summary>
internal sealed record SiloCommandLine
{
    public int Port { get; init; }
    public int GatewayPort { get; init; }
    public string? Redis { get; init; }
    public string ClusterId { get; init; } = "local";
    public ModelSource Model { get; init; } = ModelSource.Default;
    public EngineOptions Engine { get; init; } = new();
    public bool Verbose { get; init; }

    /// <summary>The gateway's HTTP/WebSocket port (0: free).</summary>
    public int HttpPort { get; init; }

    /// <summary>API key → fleet, from --fleet-key and --fleet-keys-file.</summary>
    public Dictionary<string, string> FleetKeys { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Used when no key is configured, so a local development cluster answers (loopback only).</summary>
    public const string DevelopmentFleet = "default", DevelopmentKey = "gatomesh-dev";

    /// <summary>Membership timings for a Redis cluster on one machine: a killed silo is declared dead
    /// within a few seconds, so its sessions move quickly.</summary>
    public MembershipOptions Membership { get; init; } = new()
    {
        HeartbeatPeriod = TimeSpan.FromMilliseconds(500),
        ProbePeriod = TimeSpan.FromMilliseconds(500),
        ProbeTimeout = TimeSpan.FromMilliseconds(500),
        TableRefreshPeriod = TimeSpan.FromMilliseconds(250),
        MissedProbesBeforeSuspecting = 2,
        IAmAliveExpiry = TimeSpan.FromSeconds(4),
    };

    public static SiloCommandLine Parse(IReadOnlyList<string> args)
    {
        var line = new SiloCommandLine();
        string? preset = null, checkpoint = null;
        ulong seed = 0;
        for (var i = 0; i < args.Count; i++)
        {
            var option = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"option {option} needs a value");
            line = option switch
            {
                "--port" => line with { Port = PortOf(option, Value()) },
                "--gateway-port" => line with { GatewayPort = PortOf(option, Value()) },
                "--redis" => line with { Redis = Value() },
                "--cluster-id" => line with { ClusterId = Value() },
                "--kv-mb" => line with { Engine = line.Engine with { KvBytes = Positive(option, Value()) << 20 } },
                "--max-sequences" => line with { Engine = line.Engine with { MaxSequences = (int)Positive(option, Value()) } },
                "--exact-window" => line with { Engine = line.Engine with { ExactSlidingWindow = true } },
                "--window-timesteps" => line with { Engine = line.Engine with { WindowTimesteps = (int)Positive(option, Value()) } },
                "--verbose" => line with { Verbose = true },
                "--http-port" => line with { HttpPort = PortOf(option, Value()) },
                "--fleet-key" => AddKey(line, option, Value()),
                "--fleet-keys-file" => ReadKeys(line, option, Value()),
                "--preset" => Set(line, () => preset = Value()),
                "--checkpoint" => Set(line, () => checkpoint = Value()),
                "--seed" => Set(line, () => seed = ulong.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var s)
                    ? s : throw new ArgumentException($"--seed must be a non-negative integer, was '{args[i]}'")),
                _ => throw new ArgumentException($"unknown option '{option}' (see silos/GatoMesh.Silo/README.md)"),
            };
        }
        if (preset is not null && checkpoint is not null)
            throw new ArgumentException("give --preset or --checkpoint, not both");
        try
        {
            // A checkpoint trained on K-timestep windows (train --history K) is served with K unless told otherwise.
            var history = checkpoint is not null ? GatoMesh.Model.Trainer.HistoryOf(checkpoint) : 0;
            return line with
            {
                Model = checkpoint is not null ? ModelSource.FromCheckpoint(checkpoint) : ModelSource.FromPreset(preset ?? "gato-tiny", seed),
                Engine = line.Engine.WindowTimesteps is null && history > 0 ? line.Engine with { WindowTimesteps = history } : line.Engine,
            };
        }
        catch (GatoMesh.Model.InvalidConfigException e)
        {
            throw new ArgumentException($"--preset: {e.Message}");
        }
    }

    /// <summary>FLEET=KEY: clients presenting KEY act as FLEET.</summary>
    private static SiloCommandLine AddKey(SiloCommandLine line, string option, string pair)
    {
        var at = pair.IndexOf('=');
        if (at <= 0 || at == pair.Length - 1)
            throw new ArgumentException($"{option} must be FLEET=KEY, was '{pair}'");
        var (fleet, key) = (pair[..at].Trim(), pair[(at + 1)..].Trim());
        if (line.FleetKeys.TryGetValue(key, out var other) && other != fleet)
            throw new ArgumentException($"{option}: one key cannot belong to two fleets ('{other}' and '{fleet}')");
        line.FleetKeys[key] = fleet;
        return line;
    }

    /// <summary>A file of FLEET=KEY lines (blank lines and # comments ignored), so keys stay out of process listings.</summary>
    private static SiloCommandLine ReadKeys(SiloCommandLine line, string option, string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{option} {path}: {e.Message}");
        }
        foreach (var raw in lines)
        {
            var entry = raw.Trim();
            if (entry.Length > 0 && !entry.StartsWith('#')) AddKey(line, $"{option} {path}", entry);
        }
        return line;
    }

    private static SiloCommandLine Set(SiloCommandLine line, Action set)
    {
        set();
        return line;
    }

    private static int PortOf(string option, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535
            ? p : throw new ArgumentException($"{option} must be a port number 0-65535, was '{value}'");

    private static long Positive(string option, string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v : throw new ArgumentException($"{option} must be a positive integer, was '{value}'");
}
