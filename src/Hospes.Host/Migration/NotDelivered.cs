using Hospes.Core.Errors;

namespace Hospes.Host.Migration;

/// <summary>
/// The request provably never reached the destination (no connection was made: refused, no route, TLS refused):
/// unlike <see cref="NoAnswer"/>, it cannot have taken effect there.
/// </summary>
internal sealed record NotDelivered(string Message) : HospesError(ErrorCode.Unavailable, Message);
