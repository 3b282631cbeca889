using System;
using System.Collections.Generic;

namespace NetComm.Pop3;

/// <summary>
/// Some commands of a batch were refused, raised by <see cref="Pop3BatchResult{T}.EnsureAllSucceeded"/>. Every
/// reply of the batch was read, so the session is still usable; the result holds the other items.
/// </summary>
public sealed class Pop3BatchException : Pop3CommandException
{
    /// <summary>Creates the exception.</summary>
    public Pop3BatchException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public Pop3BatchException() : this("Some commands of a POP3 batch were refused.") { }

    /// <summary>Creates the exception.</summary>
    public Pop3BatchException(string message) : this(message, null) { }

    /// <summary>One refusal per failed item, each with its <see cref="Pop3CommandException.MessageNumber"/>.</summary>
    public IReadOnlyList<Pop3CommandException> Failures { get; init; } = [];

    /// <summary>The message numbers whose command succeeded.</summary>
    public IReadOnlyList<int> Succeeded { get; init; } = [];
}
