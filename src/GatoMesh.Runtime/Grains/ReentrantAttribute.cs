namespace GatoMesh.Runtime;

/// <summary>Lets requests of this grain class interleave at await points. Turns still never run in
/// parallel: every continuation runs on the activation's own queue.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ReentrantAttribute : Attribute;
