using System.Globalization;
using GatoMesh.Grains.Serving;
using GatoMesh.Model.Engine;

namespace GatoMesh.Silo;

/// <summary>The silo process's options (README.md). Unknown or malformed options throw
/// <see cref="ArgumentException"/> naming the option.</summary>
internal sealed record SiloCommandLine
{
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; }
    public int GatewayPort { get; init; }
    public int HttpPort { get; init; }
    public string? Name { get; init; }
    public string? Redis { get; init; }
    public string ClusterId { get; init; } = "local";
    public string? Certificate { get; init; }
    public string? AdminKeyFile { get; init; }
    public bool Dashboard { get; init; } = true;
    public ModelSource Model { get; init; } = ModelSource.Default;
    public EngineOptions Engine { get; init; } = new();
    public bool Verbose { get; init; }

    /// <summary>API key → fleet, from --fleet-key and --fleet-keys-file.</summary>
    public Dictionary<string, string> FleetKeys { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Used when no key is configured, so a local development cluster answers (loopback only).</summary>
    public const string DevelopmentFleet = "default", DevelopmentKey = "gatomesh-dev";

    /// <summary>Where the admin key comes from when no --admin-key-file is given.</summary>
    public const string AdminKeyVariable = "GATOMESH_ADMIN_KEY";

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
                "--host" => line with { Host = System.Net.IPAddress.TryParse(Value(), out _) ? args[i] : throw new ArgumentException($"--host must be an IP address, was '{args[i]}'") },
                "--port" => line with { Port = PortOf(option, Value()) },
                "--gateway-port" => line with { GatewayPort = PortOf(option, Value()) },
                "--http-port" => line with { HttpPort = PortOf(option, Value()) },
                "--name" => line with { Name = Value() },
                "--redis" => line with { Redis = Value() },
                "--cluster-id" => line with { ClusterId = Value() },
                "--tls-certificate" => line with { Certificate = Value() },
                "--admin-key-file" => line with { AdminKeyFile = Value() },
                "--no-dashboard" => line with { Dashboard = false },
                "--kv-mb" => line with { Engine = line.Engine with { KvBytes = Positive(option, Value()) << 20 } },
                "--max-sequences" => line with { Engine = line.Engine with { MaxSequences = (int)Positive(option, Value()) } },
                "--exact-window" => line with { Engine = line.Engine with { ExactSlidingWindow = true } },
                "--window-timesteps" => line with { Engine = line.Engine with { WindowTimesteps = (int)Positive(option, Value()) } },
                "--precision" => line with { Engine = line.Engine with { Precision = Precision(option, Value()) } },
                "--verbose" => line with { Verbose = true },
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
        if (line.Redis is not null && line.Certificate is null)
            throw new ArgumentException("--redis needs --tls-certificate: a cluster's silo-to-silo links are TLS with the cluster certificate");
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

    /// <summary>The admin key: the --admin-key-file's first line, else $GATOMESH_ADMIN_KEY; null: none given.</summary>
    public string? AdminKey()
    {
        if (AdminKeyFile is null) return Environment.GetEnvironmentVariable(AdminKeyVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        try
        {
            return File.ReadLines(AdminKeyFile).FirstOrDefault()?.Trim() is { Length: > 0 } key
                ? key
                : throw new ArgumentException($"--admin-key-file {AdminKeyFile}: the file is empty");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--admin-key-file {AdminKeyFile}: {e.Message}");
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

    private static GatoMesh.Model.ComputePrecision Precision(string option, string value)
    {
        try
        {
            return GatoMesh.Model.ComputePrecisions.Parse(value);
        }
        catch (GatoMesh.Model.InvalidTrainingOptionException)
        {
            throw new ArgumentException($"{option} must be fp32 or bf16, was '{value}'");
        }
    }

    private static long Positive(string option, string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v : throw new ArgumentException($"{option} must be a positive integer, was '{value}'");
}
