using Hospes.Core.Errors;

namespace Hospes.Host.Edge;

/// <summary>Small helpers the edge maps results with.</summary>
internal static class ResultMap
{
    /// <summary>A domain result mapped to its wire shape; an error stays the error.</summary>
    public static Result<TOut> Map<TIn, TOut>(Result<TIn> input, Func<TIn, TOut> map) => input.IsOk ? map(input.Value) : input.Error;
}
