using Hospes.Core.Errors;

namespace Hospes.Host.Migration;

/// <summary>
/// The destination gave no answer (a broken connection, a time-out): unlike any answer, even a refusal, the request
/// may have taken effect there.
/// </summary>
internal sealed record NoAnswer(string Message) : HospesError(ErrorCode.Unavailable, Message);
