namespace Hospes.Core.Errors;

public static class Result
{
    /// <summary>For values whose static type is an interface, where the implicit conversion cannot apply.</summary>
    public static Result<T> Ok<T>(T value) => new(value, null);
}
