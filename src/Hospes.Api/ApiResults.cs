using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Http;

namespace Hospes.Api;

/// <summary>Results to HTTP: values as JSON, errors as {"error": {...}} with one status per error kind.</summary>
internal static class ApiResults
{
    public static IResult From<T>(Result<T> result, int successStatus = StatusCodes.Status200OK) =>
        result.IsOk ? Results.Json(result.Value, statusCode: successStatus) : Error(result.Error);

    public static IResult Error(HospesError error) =>
        Results.Json(new ErrorBody(new ErrorDetail(WireSpec.ToWire(error.Code), error.Message, error.Details)), statusCode: Status(error.Code));

    /// <summary>403: the caller is known but may not do this.</summary>
    public static IResult Forbidden(string message) => Error(new HospesError(ErrorCode.Forbidden, message));

    /// <summary>The HTTP status of an error kind.</summary>
    public static int Status(ErrorCode code) => code switch
    {
        ErrorCode.InvalidArgument => StatusCodes.Status400BadRequest,
        ErrorCode.NotFound => StatusCodes.Status404NotFound,
        ErrorCode.Conflict or ErrorCode.InvalidState => StatusCodes.Status409Conflict,
        ErrorCode.Unavailable => StatusCodes.Status422UnprocessableEntity,
        ErrorCode.Timeout => StatusCodes.Status504GatewayTimeout,
        ErrorCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        ErrorCode.Forbidden => StatusCodes.Status403Forbidden,
        ErrorCode.TooManyRequests => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status500InternalServerError,
    };
}
