namespace GatoMesh.Gateway;

/// <summary>What the silo says about itself on <c>GET /health</c>: 200 when <see cref="Serving"/>, else 503.</summary>
/// <param name="Silo">The silo's name (never an address: clients learn nothing of the cluster's insides).</param>
/// <param name="ModelVersion">The model version serving new steps; null when not known yet.</param>
/// <param name="Sessions">Episode sessions active on this silo.</param>
public sealed record GatewayHealth(string Silo, bool Serving, string? ModelVersion, long Sessions);
