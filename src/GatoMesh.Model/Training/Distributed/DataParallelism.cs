namespace GatoMesh.Model;

/// <summary>How data-parallel workers keep the optimizer (docs/DISTRIBUTED.md, "Training").</summary>
public enum DataParallelism
{
    /// <summary>Plain data parallelism: every rank holds AdamW's moments for every parameter and
    /// applies the same update to its replica.</summary>
    Replicated,

    /// <summary>ZeRO stage 1 (Rajbhandari et al. 2020, section 5.1): each rank keeps and updates the
    /// AdamW moments of its slice of the parameters only, then the updated slices are all-gathered.
    /// Gradients stay fully all-reduced, so the update is the replicated one.</summary>
    Zero1,
}
