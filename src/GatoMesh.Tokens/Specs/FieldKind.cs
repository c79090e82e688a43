namespace GatoMesh.Tokens;

/// <summary>How a field is tokenized (paper section 2.1).</summary>
public enum FieldKind
{
    /// <summary>SentencePiece ids in [0, V); loss 1.</summary>
    Text,
    /// <summary>16x16 patches, embedded by the model rather than looked up by id; loss 0.</summary>
    Image,
    /// <summary>Integers in [0, 1024) (narrowed by the field's range), row-major.</summary>
    Discrete,
    /// <summary>Mu-law bins, ids [V, V + 1024), row-major.</summary>
    Continuous,
}
