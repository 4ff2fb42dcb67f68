"""``show running-config`` text from datastore trees: the guide's examples and the formats of the CLI reference."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from lxml import etree
from namespaces import AAA, CRYPTO, SNMP

from iosxe_agent.device.cli_map import render_config, render_lines, render_running_config

SECRET9 = "$9$8LKaOniOwlOU7.$MbzGH5tklYd8.eOZ4QFleZIVCyoMNr2Z4sS18pKPVVI"

SCP_EXAMPLE = f"""
<aaa>
  <new-model xmlns="{AAA}"/>
  <authentication xmlns="{AAA}"><login><name>default</name><a1><local/></a1></login></authentication>
  <authorization xmlns="{AAA}"><exec><name>default</name><a1><local/></a1></exec></authorization>
</aaa>
<username><name>fieldtech</name><privilege>15</privilege>
  <secret><encryption>9</encryption><secret>{SECRET9}</secret></secret></username>
<ip><scp><server><enable/></server></scp></ip>
"""


def body(text: str) -> list[str]:
    """The lines after the header."""
    return text.split("\n")


def test_scp_server_example_renders_as_ios_does(trees: Any) -> None:
    text = render_config(trees.tree(SCP_EXAMPLE))
    assert text == (
        "version 17.12\n"
        "!\n"
        "!\n"
        "boot-start-marker\n"
        "boot-end-marker\n"
        "!\n"
        "!\n"
        "aaa new-model\n"
        "!\n"
        "!\n"
        "aaa authentication login default local\n"
        "aaa authorization exec default local\n"
        "!\n"
        "!\n"
        "!\n"
        "!\n"
        "!\n"
        "!\n"
        "!\n"
        f"username fieldtech privilege 15 secret 9 {SECRET9}\n"
        "!\n"
        "!\n"  # after ip forward-protocol
        "ip scp server enable\n"
        "!\n"
        "!\n"
        "!\n"
        "!\n"
        "!\n"  # after ntp
        "end\n"
    )


def test_header_counts_bytes_as_ios_does(trees: Any) -> None:
    text = render_running_config(trees.tree(SCP_EXAMPLE + "<hostname>R1</hostname>"))
    head, _, rest = text.partition("\n!\n")
    assert head.startswith("Building configuration...\n\nCurrent configuration : ")
    size = int(head.rsplit(": ", 1)[1].split()[0])
    assert head.endswith(f"Current configuration : {size} bytes")
    counted = "!\n" + rest
    assert size == len(counted.encode()) + 1
    assert text.endswith("\nend\n")
    assert "\nversion 17.12\n!\nhostname R1\n!\n" in text


def test_last_change_line(trees: Any) -> None:
    tree = trees.tree("<hostname>R6</hostname>")
    when = datetime(2025, 12, 31, 6, 37, 8, tzinfo=UTC)
    text = render_running_config(tree, last_change=when, changed_by="admin")
    assert "\n!\n! Last configuration change at 06:37:08 UTC Wed Dec 31 2025 by admin\n!\nversion 17.12\n" in text
    # no user: no suffix; other time zones are shown in UTC; single-digit days are not padded
    local = datetime(2025, 9, 2, 15, 44, 18, tzinfo=timezone(timedelta(hours=2)))
    text = render_running_config(tree, last_change=local)
    assert "! Last configuration change at 13:44:18 UTC Tue Sep 2 2025\n" in text
    size = int(text.split("Current configuration : ")[1].split()[0])
    assert size == len(text.split(" bytes\n", 1)[1].encode()) + 1


def test_file_form_has_no_show_header(trees: Any) -> None:
    text = render_running_config(trees.tree("<hostname>R1</hostname>"), header=False)
    assert text.startswith("!\nversion 17.12\n")


def test_guide_ip_ssh_examples_in_17x_order(trees: Any) -> None:
    tree = trees.tree(
        """<ip><scp><server><enable/></server></scp><ssh>
        <authentication-retries>2</authentication-retries>
        <dh><min><size>4096</size></min></dh>
        <pubkey-chain><username><name>mhubbard</name>
          <key-hash><key-type>ssh-rsa</key-type><key-hash-value>5D24EA1D261C1836E437F4E67E2CEBEB</key-hash-value>
          </key-hash>
        </username></pubkey-chain>
        <rsa><keypair-name>SSH-KEYS</keypair-name></rsa>
        <server><algorithm><encryption><aes128-ctr/><aes192-ctr/><aes256-ctr/></encryption></algorithm></server>
        <source-interface-config><Loopback>300</Loopback></source-interface-config>
        <time-out>60</time-out><ssh-version>2</ssh-version>
        <bulk-mode><window-size>131072</window-size></bulk-mode>
        </ssh></ip>"""
    )
    lines = [line for line in render_lines(tree) if "ip s" in line or line.startswith(" ")]
    assert lines == [
        "ip ssh bulk-mode 131072",
        "ip ssh time-out 60",
        "ip ssh authentication-retries 2",
        "ip ssh source-interface Loopback300",
        "ip ssh rsa keypair-name SSH-KEYS",
        "ip ssh version 2",
        "ip ssh dh min size 4096",
        "ip ssh pubkey-chain",
        "  username mhubbard",
        "   key-hash ssh-rsa 5D24EA1D261C1836E437F4E67E2CEBEB ",
        "ip ssh server algorithm encryption aes128-ctr aes192-ctr aes256-ctr",
        "ip scp server enable",
    ]


def test_pubkey_chain_block_exact_spacing(trees: Any) -> None:
    tree = trees.tree(
        """<ip><scp><server><enable/></server></scp><ssh><pubkey-chain><username><name>boxen</name>
        <key-hash><key-type>ssh-rsa</key-type><key-hash-value>5CC74A68B18B026A1709FB09D1F44E2F</key-hash-value>
        </key-hash>
        </username><username><name>nokeys</name></username></pubkey-chain></ssh></ip>"""
    )
    assert (
        "ip ssh pubkey-chain\n"
        "  username boxen\n"
        "   key-hash ssh-rsa 5CC74A68B18B026A1709FB09D1F44E2F \n"
        "  username nokeys\n"
        "ip scp server enable\n"
    ) in render_config(tree)


def test_ip_ssh_other_settings(trees: Any) -> None:
    tree = trees.tree(
        """<ip><ssh><client><algorithm><encryption><aes256-ctr/></encryption></algorithm></client>
        <dscp>46</dscp><logging><events-enable>false</events-enable></logging><precedence>5</precedence>
        <server><peruser><session><limit>3</limit></session></peruser></server>
        <maxstartups>4</maxstartups><port><port-no>2001</port-no><low-rotary>1</low-rotary>
        <high-rotary>3</high-rotary></port>
        <bulk-mode/></ssh></ip>"""
    )
    text = render_config(tree)
    for line in (
        "ip ssh bulk-mode\n",
        "ip ssh maxstartups 4\n",
        "ip ssh port 2001 rotary 1 3\n",
        "no ip ssh logging events\n",
        "ip ssh dscp 46\n",
        "ip ssh precedence 5\n",
        "ip ssh server peruser session limit 3\n",
        "ip ssh client algorithm encryption aes256-ctr\n",
    ):
        assert line in text
    # ssh-version absent: nothing printed; the deprecated integer leaf of 16.x payloads prints the same line
    assert "ip ssh version" not in text
    old = trees.tree("<ip><ssh><version>2</version></ssh></ip>")
    assert "ip ssh version 2\n" in render_config(old)


def test_aaa_blocks_and_method_lists(trees: Any) -> None:
    tree = trees.tree(
        f"""<aaa><new-model xmlns="{AAA}"/>
        <group xmlns="{AAA}"><server>
          <tacacsplus><name>tacacs_1</name><server><name><name>tacas_1</name></name></server>
            <ip><tacacs><source-interface><GigabitEthernet>0/0</GigabitEthernet></source-interface></tacacs>
            <vrf><forwarding>Mgmt-vrf</forwarding></vrf></ip></tacacsplus>
          <radius><name>dnac-client-radius-group</name><server><name><name>dnac-radius_200.200.200.42</name></name>
          </server>
            <ip><radius><source-interface><Loopback>0</Loopback></source-interface></radius></ip></radius>
        </server></group>
        <authentication xmlns="{AAA}">
          <login><name>default</name><a1><local/></a1></login>
          <login><name>VTY_authen</name><a1><group>tacacs_1</group></a1><a2><local/></a2></login>
          <enable><default><group>tacacs+</group><enable/></default></enable>
        </authentication>
        <authorization xmlns="{AAA}">
          <exec><name>VTY_author</name><a1><group>tacacs_1</group></a1><a2><local/></a2><a3><if-authenticated/>
          </a3></exec>
          <commands><level>15</level><list-name>default</list-name><a1><group>tacacs+</group></a1><a2><local/></a2>
          </commands>
          <config-commands/>
        </authorization>
        <accounting xmlns="{AAA}">
          <exec><name>default</name><start-stop><group1><group>tacacs_1</group></group1></start-stop></exec>
          <commands><level>15</level><list-name>default</list-name><commands-config>
          <action-type>start-stop</action-type>
            <group-config><group1><group>tacacs+</group></group1></group-config></commands-config></commands>
        </accounting>
        <session-id xmlns="{AAA}">common</session-id>
        </aaa>"""
    )
    text = render_config(tree)
    assert (
        "aaa new-model\n"
        "!\n"
        "!\n"
        "aaa group server tacacs+ tacacs_1\n"
        " server name tacas_1\n"
        " ip vrf forwarding Mgmt-vrf\n"
        " ip tacacs source-interface GigabitEthernet0/0\n"
        "!\n"
        "aaa group server radius dnac-client-radius-group\n"
        " server name dnac-radius_200.200.200.42\n"
        " ip radius source-interface Loopback0\n"
        "!\n"
    ) in text
    lines = render_lines(tree)
    aaa = [line for line in lines if line.startswith("aaa ") and "group server" not in line]
    assert aaa == [
        "aaa new-model",
        "aaa authentication login VTY_authen group tacacs_1 local",
        "aaa authentication login default local",
        "aaa authentication enable default group tacacs+ enable",
        "aaa authorization config-commands",
        "aaa authorization exec VTY_author group tacacs_1 local if-authenticated",
        "aaa authorization commands 15 default group tacacs+ local",
        "aaa accounting exec default start-stop group tacacs_1",
        "aaa accounting commands 15 default start-stop group tacacs+",
        "aaa session-id common",
    ]


def test_no_aaa_new_model_when_absent(trees: Any) -> None:
    assert "\nno aaa new-model\n" in render_config(trees.tree("<hostname>R1</hostname>"))
    assert "no aaa new-model" not in render_config(trees.tree(SCP_EXAMPLE))


def test_ip_domain_lines(trees: Any) -> None:
    text = render_config(trees.tree("<ip><domain><lookup>false</lookup><name>lab.local</name></domain></ip>"))
    assert "\nip domain name lab.local\nno ip domain lookup\n" in text


def test_enable_secret_sits_before_usernames(trees: Any) -> None:
    lines = render_lines(
        trees.tree(
            f"""<enable><secret><type>9</type><secret>{SECRET9}</secret></secret></enable>
            <username><name>admin</name><privilege>15</privilege><secret><encryption>9</encryption>
            <secret>{SECRET9}</secret></secret></username>
            <username><name>lab</name><privilege>15</privilege><password><encryption>0</encryption>
            <password>lab</password></password></username>
            <username><name>testuser4</name><one-time/><password><encryption>0</encryption>
            <password>password</password></password></username>"""
        )
    )
    i = lines.index(f"enable secret 9 {SECRET9}")
    assert lines[i : i + 6] == [
        f"enable secret 9 {SECRET9}",
        "!",
        f"username admin privilege 15 secret 9 {SECRET9}",
        "username lab privilege 15 password 0 lab",
        "username testuser4 one-time password 0 password",
        "!",
    ]


def test_snmp_lines(trees: Any) -> None:
    tree = trees.tree(
        f"""<snmp-server>
        <community-config xmlns="{SNMP}"><name>public</name><permission>ro</permission>
        <access-list-name>10</access-list-name></community-config>
        <enable xmlns="{SNMP}"><enable-choice><traps><snmp><authentication/><linkdown/><linkup/><coldstart/>
        <warmstart/></snmp><tty/></traps></enable-choice></enable>
        <host-config xmlns="{SNMP}">
          <ip-community><ip-address>172.16.2.1</ip-address><community-or-user>trapsac</community-or-user>
          <version>2c</version><trap-enable><tty/></trap-enable></ip-community>
          <ip-community><ip-address>10.10.1.111</ip-address><community-or-user>public</community-or-user></ip-community>
          <ip-community-port><ip-address>10.1.1.1</ip-address><community-or-user>c1</community-or-user>
          <udp-port>1162</udp-port><trap-enable><tty/></trap-enable></ip-community-port>
        </host-config>
        <location xmlns="{SNMP}">Server room 2</location>
        </snmp-server>"""
    )
    lines = [line for line in render_lines(tree) if line.startswith("snmp")]
    assert lines == [
        "snmp-server community public RO 10",
        "snmp-server location Server room 2",
        "snmp-server enable traps snmp authentication linkdown linkup coldstart warmstart",
        "snmp-server enable traps tty",
        "snmp-server host 10.10.1.111 public ",
        "snmp-server host 172.16.2.1 version 2c trapsac  tty",
        "snmp-server host 10.1.1.1 c1 udp-port 1162  tty",
    ]
    bare = trees.tree(
        f'<snmp-server><enable xmlns="{SNMP}"><enable-choice><traps/></enable-choice></enable></snmp-server>'
    )
    assert "\nsnmp-server enable traps\n" in render_config(bare)


def test_tacacs_and_radius_server_blocks(trees: Any) -> None:
    tree = trees.tree(
        f"""<tacacs><server xmlns="{AAA}"><name>dnac-tacacs_200.200.200.44</name>
          <address><ipv4>200.200.200.44</ipv4></address><timeout>2</timeout><key><encryption>7</encryption>
          <key>0822455D0A16</key></key></server></tacacs>
        <tacacs-server><directed-request xmlns="{AAA}"/></tacacs-server>
        <radius><server xmlns="{AAA}"><id>dnac-radius_200.200.200.42</id>
          <address><ipv4>200.200.200.42</ipv4><auth-port>1812</auth-port><acct-port>1813</acct-port></address>
          <timeout>2</timeout><retransmit>1</retransmit><key><encryption>7</encryption><key>13161F13055D5679</key>
          </key></server></radius>
        <radius-server><dead-criteria xmlns="{AAA}"><time>5</time><tries>3</tries></dead-criteria></radius-server>"""
    )
    assert (
        "!\n"
        "tacacs-server directed-request\n"
        "tacacs server dnac-tacacs_200.200.200.44\n"
        " address ipv4 200.200.200.44\n"
        " key 7 0822455D0A16\n"
        " timeout 2\n"
        "!\n"
        "radius-server dead-criteria time 5 tries 3\n"
        "radius server dnac-radius_200.200.200.42\n"
        " address ipv4 200.200.200.42 auth-port 1812 acct-port 1813\n"
        " timeout 2\n"
        " retransmit 1\n"
        " key 7 13161F13055D5679\n"
        "!\n"
    ) in render_config(tree)


def test_line_blocks(trees: Any) -> None:
    tree = trees.tree(
        """<line>
        <console><first>0</first><exec-timeout><minutes>0</minutes><seconds>0</seconds></exec-timeout></console>
        <vty><first>0</first><last>4</last><access-class><acccess-list><direction>in</direction>
        <access-list>10</access-list></acccess-list></access-class>
          <authorization><exec><authorization-name>X</authorization-name></exec></authorization>
          <length>0</length><login><local/></login><privilege><level><number>15</number></level></privilege>
          <transport><output><output>ssh</output></output><input><input>ssh</input></input></transport></vty>
        <vty><first>5</first><last>15</last><login><authentication>VTY</authentication></login>
          <exec-timeout><minutes>10</minutes><seconds>0</seconds></exec-timeout><logging><synchronous/></logging>
          <transport><input><input>ssh</input><input>telnet</input></input></transport></vty>
        <vty><first>16</first><transport><input><none/></input></transport></vty>
        </line>"""
    )
    assert (
        "!\n"
        "line con 0\n"
        " exec-timeout 0 0\n"
        "line vty 0 4\n"
        " access-class 10 in\n"
        " privilege level 15\n"
        " authorization exec X\n"
        " login local\n"
        " length 0\n"
        " transport input ssh\n"
        " transport output ssh\n"
        "line vty 5 15\n"
        " exec-timeout 10 0\n"
        " logging synchronous\n"
        " login authentication VTY\n"
        " transport input ssh telnet\n"
        "line vty 16\n"
        " transport input none\n"
        "!\n"
        "!\n"  # after ntp
        "end\n"
    ) in render_config(tree)


def test_crypto_pubkey_chain(trees: Any) -> None:
    key = "30819F300D06092A864886F70D010101050003818D0030818902818100B0F5F0"
    tree = trees.tree(
        f"""<crypto><key xmlns="{CRYPTO}"><pubkey-chain><rsa>
        <addressed-key><ip>10.1.1.2</ip><use>encryption</use><key-string><hex-data>{key}</hex-data></key-string>
        </addressed-key>
        <named-key><name>peer.example.com</name><use>signature</use><address>10.1.1.3</address></named-key>
        </rsa></pubkey-chain></key></crypto>"""
    )
    assert (
        "crypto key pubkey-chain rsa\n"
        " addressed-key 10.1.1.2 encryption\n"
        "  key-string\n"
        "   30819F30 0D06092A 864886F7 0D010101 05000381 8D003081 89028181 00B0F5F0\n"
        "  quit\n"
        " named-key peer.example.com signature\n"
        "  address 10.1.1.3\n"
        "!\n"
    ) in render_config(tree)


def test_render_is_pure(trees: Any) -> None:
    tree = trees.tree(SCP_EXAMPLE)
    before = etree.tostring(tree)
    first = render_running_config(copy.deepcopy(tree))
    assert render_running_config(tree) == first
    assert etree.tostring(tree) == before
    # a <native> element and the datastore root render alike; no tree renders an empty configuration
    native = tree.find("{http://cisco.com/ns/yang/Cisco-IOS-XE-native}native")
    assert render_config(native) == render_config(tree)
    assert render_config(None).startswith("version 17.12\n!\n!\nboot-start-marker\nboot-end-marker\n")
