namespace GatoMesh.Runtime;

/// <summary>Marker of every grain interface. The source generator emits a proxy and an invoker for each
/// interface that extends it; its methods must return Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt;.</summary>
public interface IGrain;

/// <summary>A grain addressed by a string key (the only key kind GatoMesh has, see <see cref="GrainId"/>).</summary>
public interface IGrainWithStringKey : IGrain;
