package smpp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Command ids (SMPP 3.4 §5.1.2.1).
const (
	GenericNack         uint32 = 0x80000000
	BindTransceiver     uint32 = 0x00000009
	BindTransceiverResp uint32 = 0x80000009
	SubmitSM            uint32 = 0x00000004
	SubmitSMResp        uint32 = 0x80000004
	DeliverSM           uint32 = 0x00000005
	DeliverSMResp       uint32 = 0x80000005
	Unbind              uint32 = 0x00000006
	UnbindResp          uint32 = 0x80000006
	EnquireLink         uint32 = 0x00000015
	EnquireLinkResp     uint32 = 0x80000015
)

// Command statuses (SMPP 3.4 §5.1.3) the client reads or sends.
const (
	StatusOK           uint32 = 0x00
	StatusInvMsgLen    uint32 = 0x01
	StatusInvCmdLen    uint32 = 0x02
	StatusInvCmdID     uint32 = 0x03
	StatusInvBndSts    uint32 = 0x04
	StatusSysErr       uint32 = 0x08
	StatusInvSrcAdr    uint32 = 0x0A
	StatusInvDstAdr    uint32 = 0x0B
	StatusBindFail     uint32 = 0x0D
	StatusMsgQFul      uint32 = 0x14
	StatusSubmitFail   uint32 = 0x45
	StatusThrottled    uint32 = 0x58
	StatusDeliveryFail uint32 = 0xFE
	StatusXTAppn       uint32 = 0x64 // ESME receiver temporary app error
	StatusXRAppn       uint32 = 0x65 // ESME receiver reject message error
)

// Optional parameter tags (§5.3.2).
const (
	tagReceiptedMessageID uint16 = 0x001E
	tagMessageState       uint16 = 0x0427
	tagMessagePayload     uint16 = 0x0424
)

const (
	headerLen = 16
	// maxPDU bounds what a peer can make us allocate; a submit_sm with a
	// full message_payload stays well under it.
	maxPDU = 64 * 1024

	esmUDHI       = 0x40 // esm_class: short_message starts with a UDH
	esmTypeMask   = 0x3C // esm_class bits 2–5: message type
	esmMCReceipt  = 0x04 // MC delivery receipt
	interfaceV34  = 0x34
	dataCodingDef = 0x00
	dataCodingIA5 = 0x01
	dataCodingL1  = 0x03
	dataCodingUCS = 0x08
)

// pdu is one protocol data unit: header and raw body.
type pdu struct {
	ID     uint32
	Status uint32
	Seq    uint32
	Body   []byte
}

func (p pdu) marshal() []byte {
	b := make([]byte, headerLen+len(p.Body))
	binary.BigEndian.PutUint32(b[0:], uint32(len(b)))
	binary.BigEndian.PutUint32(b[4:], p.ID)
	binary.BigEndian.PutUint32(b[8:], p.Status)
	binary.BigEndian.PutUint32(b[12:], p.Seq)
	copy(b[headerLen:], p.Body)
	return b
}

// errBadLength is a command_length the peer should not have sent; the link
// is answered with generic_nack and dropped, since framing is lost.
var errBadLength = errors.New("smpp: invalid command_length")

func readPDU(r io.Reader) (pdu, error) {
	var h [headerLen]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return pdu{}, err
	}
	n := binary.BigEndian.Uint32(h[0:])
	p := pdu{ID: binary.BigEndian.Uint32(h[4:]), Status: binary.BigEndian.Uint32(h[8:]), Seq: binary.BigEndian.Uint32(h[12:])}
	if n < headerLen || n > maxPDU {
		return p, fmt.Errorf("%w: %d", errBadLength, n)
	}
	p.Body = make([]byte, n-headerLen)
	if _, err := io.ReadFull(r, p.Body); err != nil {
		return pdu{}, err
	}
	return p, nil
}

// writer builds a PDU body field by field.
type writer struct{ bytes.Buffer }

func (w *writer) cstring(s string) { w.WriteString(s); w.WriteByte(0) }
func (w *writer) u8(v byte)        { w.WriteByte(v) }

// reader takes a PDU body apart; the first short field sets err and every
// later read returns zero values.
type reader struct {
	b   []byte
	err error
}

func (r *reader) cstring(max int) string {
	if r.err != nil {
		return ""
	}
	i := bytes.IndexByte(r.b, 0)
	if i < 0 || i > max {
		r.err = errors.New("smpp: unterminated or overlong C-octet string")
		return ""
	}
	s := string(r.b[:i])
	r.b = r.b[i+1:]
	return s
}

func (r *reader) u8() byte {
	if r.err != nil {
		return 0
	}
	if len(r.b) < 1 {
		r.err = io.ErrUnexpectedEOF
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if len(r.b) < n {
		r.err = io.ErrUnexpectedEOF
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

// tlvs reads the optional parameters that follow the mandatory ones.
func (r *reader) tlvs() map[uint16][]byte {
	out := map[uint16][]byte{}
	for r.err == nil && len(r.b) >= 4 {
		tag := binary.BigEndian.Uint16(r.b)
		n := int(binary.BigEndian.Uint16(r.b[2:]))
		r.b = r.b[4:]
		out[tag] = r.bytes(n)
	}
	return out
}

// address is a TON/NPI/number triple.
type address struct {
	TON, NPI byte
	Addr     string
}

// bindBody is bind_transceiver (§4.1.5).
func bindBody(systemID, password, systemType string) []byte {
	var w writer
	w.cstring(systemID)
	w.cstring(password)
	w.cstring(systemType)
	w.u8(interfaceV34)
	w.u8(0) // addr_ton
	w.u8(0) // addr_npi
	w.cstring("")
	return w.Bytes()
}

// submitBody is submit_sm (§4.4.1) carrying one segment in short_message.
func submitBody(src, dst address, esmClass, registeredDelivery, dataCoding byte, sm []byte) []byte {
	var w writer
	w.cstring("") // service_type: MC default
	w.u8(src.TON)
	w.u8(src.NPI)
	w.cstring(src.Addr)
	w.u8(dst.TON)
	w.u8(dst.NPI)
	w.cstring(dst.Addr)
	w.u8(esmClass)
	w.u8(0)       // protocol_id
	w.u8(0)       // priority_flag
	w.cstring("") // schedule_delivery_time: now
	w.cstring("") // validity_period: MC default
	w.u8(registeredDelivery)
	w.u8(0) // replace_if_present_flag
	w.u8(dataCoding)
	w.u8(0) // sm_default_msg_id
	w.u8(byte(len(sm)))
	w.Write(sm)
	return w.Bytes()
}

// deliverSM is the part of deliver_sm (§4.6.1) the client uses.
type deliverSM struct {
	Src, Dst   address
	ESMClass   byte
	DataCoding byte
	Message    []byte // short_message, or message_payload when short_message is empty
	TLVs       map[uint16][]byte
}

func parseDeliverSM(body []byte) (deliverSM, error) {
	r := &reader{b: body}
	var d deliverSM
	r.cstring(6) // service_type
	d.Src = address{r.u8(), r.u8(), r.cstring(65)}
	d.Dst = address{r.u8(), r.u8(), r.cstring(65)}
	d.ESMClass = r.u8()
	r.u8()        // protocol_id
	r.u8()        // priority_flag
	r.cstring(17) // schedule_delivery_time
	r.cstring(17) // validity_period
	r.u8()        // registered_delivery
	r.u8()        // replace_if_present_flag
	d.DataCoding = r.u8()
	r.u8() // sm_default_msg_id
	n := int(r.u8())
	d.Message = bytes.Clone(r.bytes(n))
	d.TLVs = r.tlvs()
	if r.err != nil {
		return deliverSM{}, fmt.Errorf("smpp: deliver_sm: %w", r.err)
	}
	if len(d.Message) == 0 && d.TLVs[tagMessagePayload] != nil {
		d.Message = bytes.Clone(d.TLVs[tagMessagePayload])
	}
	return d, nil
}

// messageIDOf reads the message_id of a submit_sm_resp.
func messageIDOf(body []byte) (string, error) {
	r := &reader{b: body}
	id := r.cstring(65)
	if r.err != nil {
		return "", fmt.Errorf("smpp: submit_sm_resp: %w", r.err)
	}
	return id, nil
}

// deliverResp is deliver_sm_resp: an empty message_id (§4.6.2).
func deliverResp() []byte { return []byte{0} }
