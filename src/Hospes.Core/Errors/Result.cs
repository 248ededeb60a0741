using System.Diagnostics.CodeAnalysis;

namespace Hospes.Core.Errors;

/// <summary>Either a value or a <see cref="HospesError"/>.</summary>
public readonly struct Result<T>
{
    private readonly T? _value;

    internal Result(T? value, HospesError? error)
    {
        _value = value;
        Error = error;
    }

    public HospesError? Error { get; }

    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsOk => Error is null;

    public T Value => Error is null ? _value! : throw new HospesException(Error);

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(HospesError error) => new(default, error);
}
