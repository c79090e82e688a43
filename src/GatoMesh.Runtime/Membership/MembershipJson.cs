using System.Text.Json.Serialization;

namespace GatoMesh.Runtime.Membership;

/// <summary>How a membership row is written into Redis: System.Text.Json, source-generated so no
/// reflection runs on the heartbeat and probe paths. Field names are camelCase and stable: rows
/// written by one GatoMesh version must be readable by the next (docs/MEMBERSHIP.md, "Layout").</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(MembershipEntry))]
internal sealed partial class MembershipJson : JsonSerializerContext;
