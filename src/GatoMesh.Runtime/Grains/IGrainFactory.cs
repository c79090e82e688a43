namespace GatoMesh.Runtime;

/// <summary>Hands out references to grains. A reference is cheap and never activates anything by
/// itself: the grain is activated on its owner silo by the first call.</summary>
public interface IGrainFactory
{
    TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey;
}
