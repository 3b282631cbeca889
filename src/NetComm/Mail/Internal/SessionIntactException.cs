using System;
using System.Runtime.ExceptionServices;

namespace NetComm.Mail.Internal;

/// <summary>
/// Carries an exception that did not come from the connection (a caller's callback, a message MimeKit could
/// not parse) out of the engine after the session was brought back in step, so that the client rethrows it
/// as it was without closing the connection.
/// </summary>
internal sealed class SessionIntactException(ExceptionDispatchInfo inner) : Exception(inner.SourceException.Message, inner.SourceException)
{
    public ExceptionDispatchInfo Inner { get; } = inner;
}
