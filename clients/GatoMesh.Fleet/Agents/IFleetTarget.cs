using GatoMesh.Client;
using GatoMesh.Data;
using GatoMesh.Protos.V1;

namespace GatoMesh.Fleet;

/// <summary>
/// Where a fleet's agents open their sessions: a cluster's gateway through the client SDK, or an
/// embedded silo. A failure the server typed (bad input, unknown session, unavailable) surfaces as a
/// <see cref="FleetSessionException"/>; anything else is counted
/// under its exception type.
/// </summary>
public interface IFleetTarget
{
    Task<IFleetSession> OpenAsync(string sessionId, string specJson, CancellationToken ct);

    /// <summary>The serving engine's counters now, or null when the target cannot tell.</summary>
    Task<EngineTotals?> ReadEngineTotalsAsync(CancellationToken ct);
}

/// <summary>One agent's episode session on the target.</summary>
public interface IFleetSession
{
    Task<ActionReply> StepAsync(FieldValues observation, CancellationToken ct);

    /// <summary>Ends the episode; the next step starts a new one in the same session.</summary>
    Task ResetAsync(CancellationToken ct);

    Task CloseAsync(CancellationToken ct);
}

/// <summary>A typed error from the serving path, as the target reported it.</summary>
public sealed class FleetSessionException(ErrorCode code, string field, string message)
    : Exception($"{code} ({field}): {message}")
{
    public ErrorCode Code { get; } = code;
    public string Field { get; } = field;
}
