namespace GatoMesh.Grains;

/// <summary>
/// Marks a grain method (or every method of a grain interface) as one that changes the deployment:
/// a silo runs it only for a caller that presents the cluster's admin credential
/// (<see cref="AdminCredential"/>); anyone else gets <see cref="AdminCredentialRequiredException"/>.
/// Checked by an incoming grain call filter on every silo (docs/RUNTIME.md, "Admin calls").
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Interface, Inherited = false)]
public sealed class RequiresAdminAttribute : Attribute;
