using System;

namespace NetComm.Transport;

/// <summary>A line longer than the allowed maximum arrived; it was not buffered whole.</summary>
public sealed class LineTooLongException : TransportException
{
    /// <summary>Creates the exception for a line over <paramref name="maxLength"/> bytes.</summary>
    public LineTooLongException(int maxLength)
        : base($"A line longer than {maxLength} bytes was received; reading stopped there.")
    {
        MaxLength = maxLength;
    }

    /// <summary>Creates the exception.</summary>
    public LineTooLongException() : this(0) { }

    /// <summary>Creates the exception with a custom message.</summary>
    public LineTooLongException(string message) : base(message) { }

    /// <summary>Creates the exception with a custom message and cause.</summary>
    public LineTooLongException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The maximum line length, in bytes, that was exceeded.</summary>
    public int MaxLength { get; }
}
