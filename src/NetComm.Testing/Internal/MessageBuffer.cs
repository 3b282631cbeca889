using System;
using System.IO;

namespace NetComm.Testing.Internal;

/// <summary>
/// Collects message content up to a limit. Past it the content is dropped (not buffered) and only counted, so a
/// client can finish sending and be told 552 without the server holding more than the limit.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A MemoryStream holds no unmanaged resource; the buffer dies with its transaction.")]
internal sealed class MessageBuffer
{
    private readonly long _limit;
    private MemoryStream? _content = new();

    public MessageBuffer(long limit) => _limit = limit;

    /// <summary>Every byte offered, stored or not.</summary>
    public long Length { get; private set; }

    public bool TooLarge => _content is null;

    public bool HasEightBit { get; private set; }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Length += bytes.Length;
        if (!HasEightBit && bytes.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0)
        {
            HasEightBit = true;
        }

        if (_content is null)
        {
            return;
        }

        if (Length > _limit)
        {
            _content.Dispose();
            _content = null;
            return;
        }

        _content.Write(bytes);
    }

    public void WriteByte(byte value)
    {
        Span<byte> one = [value];
        Write(one);
    }

    public byte[] ToArray() => _content?.ToArray() ?? throw new InvalidOperationException("The message was over the size limit and was not kept.");
}

/// <summary>
/// The DATA reader (RFC 5321 §4.5.2): removes the dot that a client adds to lines starting with a dot, and stops at
/// CRLF.CRLF. Only a CRLF ends a line: a bare LF or bare CR is kept as content and noted, so LF.LF or CR.CR can never
/// end the message early (the "SMTP smuggling" confusion).
/// </summary>
internal sealed class DotUnstuffer
{
    private const int MaxTextLine = 998;

    private readonly MessageBuffer _buffer;
    private State _state = State.LineStart;
    private int _lineLength;

    public DotUnstuffer(MessageBuffer buffer) => _buffer = buffer;

    private enum State
    {
        LineStart,
        Middle,
        Cr,
        Dot,
        DotCr,
    }

    public int BareLineFeeds { get; private set; }

    public int BareCarriageReturns { get; private set; }

    public int LongestLine { get; private set; }

    public bool HasLongLine => LongestLine > MaxTextLine;

    /// <summary>Consumes bytes; returns how many, and whether the terminating CRLF.CRLF was among them.</summary>
    public (int Consumed, bool Done) Consume(ReadOnlySpan<byte> input)
    {
        var runStart = 0;
        for (var i = 0; i < input.Length; i++)
        {
            var b = input[i];
            switch (_state)
            {
                case State.Middle:
                    if (b == '\r')
                    {
                        Emit(input, ref runStart, i);
                        _state = State.Cr;
                    }
                    else if (b == '\n')
                    {
                        BareLineFeeds++;
                        _lineLength++;
                    }
                    else
                    {
                        _lineLength++;
                    }

                    break;

                case State.LineStart:
                    if (b == '.')
                    {
                        Emit(input, ref runStart, i);
                        _state = State.Dot;
                        break;
                    }

                    _state = State.Middle;
                    goto case State.Middle;

                case State.Cr:
                    if (b == '\n')
                    {
                        _buffer.Write("\r\n"u8);
                        runStart = i + 1;
                        EndLine();
                        _state = State.LineStart;
                        break;
                    }

                    // A CR that no LF follows is content.
                    BareCarriageReturns++;
                    _buffer.WriteByte((byte)'\r');
                    _lineLength++;
                    runStart = i;
                    _state = State.Middle;
                    goto case State.Middle;

                case State.Dot:
                    // The dot itself was stuffing: drop it.
                    runStart = i;
                    if (b == '\r')
                    {
                        _state = State.DotCr;
                        runStart = i + 1;
                        break;
                    }

                    _state = State.Middle;
                    goto case State.Middle;

                case State.DotCr:
                    if (b == '\n')
                    {
                        return (i + 1, true);
                    }

                    // ".<CR>x": the line is "<CR>x" with a bare CR.
                    BareCarriageReturns++;
                    _buffer.WriteByte((byte)'\r');
                    _lineLength++;
                    runStart = i;
                    _state = State.Middle;
                    goto case State.Middle;
            }
        }

        if (_state is State.Middle or State.LineStart)
        {
            Emit(input, ref runStart, input.Length);
        }

        return (input.Length, false);
    }

    private void Emit(ReadOnlySpan<byte> input, ref int runStart, int end)
    {
        if (end > runStart)
        {
            _buffer.Write(input[runStart..end]);
        }

        runStart = end;
    }

    private void EndLine()
    {
        LongestLine = Math.Max(LongestLine, _lineLength);
        _lineLength = 0;
    }
}
