namespace Hospes.Core.Errors;

/// <summary>
/// Carries a <see cref="HospesError"/> out of code too deep to return it (a reverter's step, a QMP reply).
/// Caught at the command boundary and turned back into a value.
/// </summary>
public sealed class HospesException : Exception
{
    public HospesException(HospesError error)
        : base(error.Message)
    {
        Error = error;
    }

    public HospesException(HospesError error, Exception inner)
        : base(error.Message, inner)
    {
        Error = error;
    }

    public HospesError Error { get; }
}
