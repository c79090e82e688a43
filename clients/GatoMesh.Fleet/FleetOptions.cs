namespace GatoMesh.Fleet;

/// <summary>How a fleet runs (docs/FLEET.md).</summary>
public sealed record FleetOptions
{
    public int Agents { get; init; } = 10;

    /// <summary>A name from <see cref="FleetTasks.Names"/>.</summary>
    public string Task { get; init; } = SyntheticTask.Name;

    /// <summary>How long the agents step, after every session is open.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Null: agents step until <see cref="Duration"/> is over. Otherwise each agent sends at most
    /// this many observations (failed ones included) and the stepping ends when every agent has, or at
    /// the duration, whichever comes first: a fixed amount of work, the same on any machine.</summary>
    public long? StepsPerAgent { get; init; }

    /// <summary>Null: closed loop, each agent sends its next observation as soon as it has acted.
    /// Otherwise each agent sends one observation per period (a 20 Hz robot: 50 ms), or at once when
    /// its previous step took longer.</summary>
    public TimeSpan? Period { get; init; }

    /// <summary>Sessions being opened (or closed) at once: enough to open thousands quickly, few
    /// enough not to flood the gateway.</summary>
    public int OpenConcurrency { get; init; } = 64;

    /// <summary>Seeds every agent's episodes (agent i, episode e: <see cref="FleetAgent.EpisodeSeed"/>).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Prefix of the session ids (<c>PREFIX-i</c>); distinct per run so runs never share sessions.</summary>
    public string SessionPrefix { get; init; } = $"fleet-{Guid.NewGuid():N}";

    /// <summary>How often <see cref="FleetRunner"/> reports progress.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long in-flight steps may take to finish once the duration is over.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="InvalidFleetOptionException"/> (or the task catalog's error) for the first option out of range.</summary>
    public void Validate()
    {
        if (Agents < 1)
            throw new InvalidFleetOptionException("--agents", Agents, "must be at least 1");
        if (Duration <= TimeSpan.Zero)
            throw new InvalidFleetOptionException("--duration", Duration.TotalSeconds, "must be positive");
        if (StepsPerAgent is { } steps && steps < 1)
            throw new InvalidFleetOptionException("--steps-per-agent", steps, "must be at least 1");
        if (Period is { } period && period <= TimeSpan.Zero)
            throw new InvalidFleetOptionException("--period-ms", period.TotalMilliseconds, "must be positive");
        if (OpenConcurrency < 1)
            throw new InvalidFleetOptionException("--open-concurrency", OpenConcurrency, "must be at least 1");
        FleetTasks.Get(Task);
    }
}

/// <summary>A fleet option out of range, naming the option and its value.</summary>
public sealed class InvalidFleetOptionException(string option, object value, string problem)
    : Exception($"{option} = {value}: {problem}")
{
    public string Option { get; } = option;
}
