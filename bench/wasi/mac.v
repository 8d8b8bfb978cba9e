// A multiply-accumulate datapath with a small ALU: enough logic for synth+abc to work.
module mac #(parameter W = 24) (input clk, input rst, input [W-1:0] a, input [W-1:0] b,
    input [2:0] op, output reg [2*W-1:0] acc, output reg [W-1:0] alu);
  wire [2*W-1:0] product = a * b;
  always @(posedge clk) begin
    if (rst) acc <= 0; else acc <= acc + product;
    case (op)
      3'd0: alu <= a + b;
      3'd1: alu <= a - b;
      3'd2: alu <= a & b;
      3'd3: alu <= a | b;
      3'd4: alu <= a ^ b;
      3'd5: alu <= a << b[4:0];
      3'd6: alu <= a >> b[4:0];
      default: alu <= (a < b) ? a : b;
    endcase
  end
endmodule
