namespace GatoMesh.Tokens;

/// <summary>
/// Bad input to the token space. Every error names the offending field (a dotted observation or
/// action key, a spec path, or a CLI option) and the value, so a robot or script can fix its input;
/// ARCHITECTURE.md, "Non-negotiables": bad input never crashes a silo or corrupts a session.
/// </summary>
public abstract class TokenSpaceException : Exception
{
    protected TokenSpaceException(string field, string? value, string problem)
        : base(value is null ? $"{field}: {problem}" : $"{field} = {value}: {problem}")
    {
        Field = field;
        Value = value;
        Problem = problem;
    }

    /// <summary>The field the error is about.</summary>
    public string Field { get; }

    /// <summary>The offending value as text, when there is one.</summary>
    public string? Value { get; }

    /// <summary>What is wrong, without the field and value.</summary>
    public string Problem { get; }
}

/// <summary>A value that is not allowed: NaN or infinite continuous values, discrete values outside
/// their range, pixels outside their range.</summary>
public sealed class InvalidValueException(string field, string? value, string problem)
    : TokenSpaceException(field, value, problem);

/// <summary>A tensor or image whose shape differs from the spec's.</summary>
public sealed class ShapeMismatchException(string field, string actual, string expected)
    : TokenSpaceException(field, actual, $"shape does not match the spec's {expected}");

/// <summary>An observation or action key the spec does not declare.</summary>
public sealed class UnknownFieldException(string field, string known)
    : TokenSpaceException(field, null, $"not in the spec (known: {known})");

/// <summary>A key the spec declares but the observation or action lacks.</summary>
public sealed class MissingFieldException(string field)
    : TokenSpaceException(field, null, "required by the spec but missing");

/// <summary>An image whose sides are not positive multiples of the 16-pixel patch, or whose channel
/// count is not 3. GatoMesh rejects such images rather than padding or truncating them.</summary>
public sealed class ImageSizeException(string field, string size, string problem)
    : TokenSpaceException(field, size, problem);

/// <summary>Empty text, or text longer than its field allows.</summary>
public sealed class TextLengthException(string field, string value, string problem)
    : TokenSpaceException(field, value, problem);

/// <summary>More tokens than fit: an observation over the local position table, or a timestep over
/// the sequence length.</summary>
public sealed class TokenBudgetException(string field, string value, string problem)
    : TokenSpaceException(field, value, problem);

/// <summary>An action token outside its valid id range, or the wrong number of action tokens.</summary>
public sealed class ActionTokenException(string field, string value, string problem)
    : TokenSpaceException(field, value, problem);

/// <summary>A spec file that does not follow the schema in docs/TOKENS.md.</summary>
public sealed class SpecFormatException(string field, string? value, string problem)
    : TokenSpaceException(field, value, problem);
